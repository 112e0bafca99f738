// The views bar: switch saved views; filter (AND/OR groups nested three deep), sort and search;
// unsaved changes shown with save / save as new / discard; rename, duplicate, delete; personal
// and shared views, locked ones editable by admins only.
import { api, el } from "./api.js";
import { category, optionLabel } from "./cells.js";
import { rules } from "./rules.js";

const NAMES = {
  contains: "contains", does_not_contain: "does not contain", is: "is", is_not: "is not", is_empty: "is empty",
  is_not_empty: "is not empty", is_any_of: "is any of", is_none_of: "is none of", has_any_of: "has any of",
  has_all_of: "has all of", has_none_of: "has none of", eq: "=", neq: "≠", lt: "<", gt: ">", lte: "≤", gte: "≥",
  is_before: "is before", is_after: "is after", is_on_or_before: "is on or before", is_on_or_after: "is on or after",
  is_within: "is within",
};
const blank = () => ({ v: 1, filter: null, sorts: [], group_by: [], search: null });

/** The filter without conditions still waiting for a value, and without empty groups. */
export function clean(group) {
  if (!group) return null;
  const conditions = [];
  for (const condition of group.conditions) {
    if (condition.conditions) {
      const inner = clean(condition);
      if (inner) conditions.push(inner);
    } else if (["is_empty", "is_not_empty"].includes(condition.operator)
      || (condition.value !== null && condition.value !== undefined && condition.value !== "" && !(Array.isArray(condition.value) && !condition.value.length))) {
      conditions.push(condition);
    }
  }
  return conditions.length ? { conjunction: group.conjunction, conditions } : null;
}

/** The parts of a definition the bar edits, for comparing saved with unsaved. */
function essence(definition) {
  const d = definition || blank();
  return JSON.stringify({
    filter: clean(d.filter), sorts: d.sorts || [], group_by: d.group_by || [], search: d.search || null, fields: d.fields || null,
    frozen: Math.max(1, d.frozen || 1), row_height: d.row_height || "short",
  });
}

export class ViewsBar {
  constructor(table, me, fields, onChange, onLayout = () => {}, onGroups = () => {}) {
    this.table = table;
    this.me = me;
    this.allFields = fields;
    this.fields = fields.filter((field) => field.type !== "formula" || field.result_type);
    this.onChange = onChange;
    this.onLayout = onLayout;
    this.onGroups = onGroups;
    this.views = [];
    this.view = null;
    this.draft = blank();
    this.panel = null;
    this.node = el("div", { class: "viewsbar" });
  }

  async load() {
    try {
      this.views = (await api("GET", `/api/tables/${this.table}/views`)).views;
    } catch {
      this.views = [];
    }
    const remembered = Number(localStorage.getItem(`crm.view.${this.table}`));
    this.view = this.views.find((view) => view.id === remembered) || null;
    this.draft = structuredClone(this.view ? this.view.definition : blank());
    this.render();
    return this.query();
  }

  /** What the grid loads: the saved view, with unsaved filter, sort and search replacing its own. */
  query() {
    const parameters = new URLSearchParams();
    if (this.view) parameters.set("view", this.view.id);
    if (!this.view || this.dirty()) {
      const filter = clean(this.draft.filter) || { conjunction: "and", conditions: [] };
      if (this.view || filter.conditions.length) parameters.set("filter", JSON.stringify(filter));
      if (this.view || this.draft.sorts.length) {
        parameters.set("sort", this.draft.sorts.map((sort) => (sort.direction === "desc" ? "-" : "") + sort.field).join(","));
      }
      const groups = this.draft.group_by || [];
      if (this.view || groups.length) {
        parameters.set("group_by", groups.map((group) => (group.direction === "desc" ? "-" : "") + group.field).join(","));
      }
      if (this.draft.search) parameters.set("search", this.draft.search);
    }
    return parameters.toString();
  }

  dirty() { return essence(this.view ? this.view.definition : blank()) !== essence(this.draft); }

  canEdit(view) { return !view.locked || this.me.role === "admin"; }

  changed() {
    this.render();
    this.onLayout();
    this.onChange(this.query());
  }

  /** The columns' order, visibility and widths changed (kept in the view's definition). */
  layoutChanged(layout) {
    this.draft.fields = layout;
    this.render();
    this.onLayout();
  }

  select(id) {
    this.view = this.views.find((view) => view.id === id) || null;
    localStorage.setItem(`crm.view.${this.table}`, this.view ? String(this.view.id) : "");
    this.draft = structuredClone(this.view ? this.view.definition : blank());
    this.panel = null;
    this.changed();
  }

  // MARK: Saving

  async save() {
    if (!this.view) return this.saveAs();
    const definition = {
      ...this.view.definition, filter: clean(this.draft.filter), sorts: this.draft.sorts, group_by: this.draft.group_by || [],
      search: this.draft.search, fields: this.draft.fields || null,
      frozen: this.draft.frozen || 0, row_height: this.draft.row_height || "short",
    };
    await this.call(async () => {
      const saved = await api("PATCH", `/api/tables/${this.table}/views/${this.view.id}`, { definition, expected_version: this.view.version });
      this.replaceView(saved.view || saved);
    });
  }

  async saveAs(name = this.nameInput?.value?.trim(), scope = this.scopeInput?.value || "personal") {
    if (!name) { this.message = "Give the view a name."; this.render(); return; }
    const definition = {
      ...(this.view ? this.view.definition : blank()), filter: clean(this.draft.filter), sorts: this.draft.sorts,
      group_by: this.draft.group_by || [], search: this.draft.search,
      fields: this.draft.fields || null, frozen: this.draft.frozen || 0, row_height: this.draft.row_height || "short",
    };
    await this.call(async () => {
      const created = await api("POST", `/api/tables/${this.table}/views`, { name, scope, definition });
      const view = created.view || created;
      this.views.push(view);
      this.select(view.id);
    });
  }

  async rename() {
    const name = this.nameInput?.value?.trim();
    if (!this.view || !name) return;
    await this.call(async () => {
      const saved = await api("PATCH", `/api/tables/${this.table}/views/${this.view.id}`, { name, expected_version: this.view.version });
      this.replaceView(saved.view || saved);
    });
  }

  async duplicate() {
    if (!this.view) return;
    await this.call(async () => {
      const copy = await api("POST", `/api/tables/${this.table}/views/${this.view.id}/duplicate`, {});
      const view = copy.view || copy;
      this.views.push(view);
      this.select(view.id);
    });
  }

  async remove() {
    if (!this.view) return;
    await this.call(async () => {
      await api("DELETE", `/api/tables/${this.table}/views/${this.view.id}`);
      this.views = this.views.filter((view) => view.id !== this.view.id);
      this.select(null);
    });
  }

  replaceView(view) {
    this.views = this.views.map((existing) => (existing.id === view.id ? view : existing));
    this.view = view;
    this.draft = structuredClone(view.definition);
    this.panel = null;
    this.message = "Saved.";
    this.changed();
  }

  async call(body) {
    this.message = "";
    try {
      await body();
    } catch (error) {
      this.message = error.message;
      this.render();
    }
  }

  // MARK: Rendering

  render() {
    const viewSelect = el("select", { class: "view-select", "aria-label": "View", onchange: (event) => this.select(Number(event.target.value) || null) },
      el("option", { value: "" }, "All records"),
      this.views.map((view) => el("option", { value: view.id, selected: this.view && view.id === this.view.id },
        `${view.name}${view.scope === "personal" ? " (personal)" : ""}${view.locked ? " 🔒" : ""}`)));
    const count = (group) => (group ? group.conditions.reduce((n, c) => n + (c.conditions ? count(c) : 1), 0) : 0);
    const filters = count(this.draft.filter);
    const toggle = (name, label) => el("button", {
      type: "button", class: this.panel === name ? "pressed" : "", "aria-expanded": this.panel === name ? "true" : "false",
      onclick: () => { this.panel = this.panel === name ? null : name; this.render(); },
    }, label);
    const search = el("input", {
      type: "search", class: "search", placeholder: "Search", "aria-label": "Search this view", value: this.draft.search || "",
      onchange: (event) => { this.draft.search = event.target.value.trim() || null; this.changed(); },
    });
    const editable = !this.view || this.canEdit(this.view);
    const status = this.dirty()
      ? el("span", { class: "unsaved", role: "status" }, "Unsaved changes",
        editable && this.view ? el("button", { type: "button", class: "primary save-view", onclick: () => this.save() }, "Save view") : null,
        el("button", { type: "button", onclick: () => { this.panel = "save-as"; this.render(); } }, "Save as new view…"),
        el("button", { type: "button", class: "discard", onclick: () => this.select(this.view ? this.view.id : null) }, "Discard"))
      : null;
    const manage = this.view ? toggle("manage", "View…") : null;
    const hidden = (this.draft.fields || []).filter((entry) => entry.hidden).length;
    const fieldsToggle = toggle("fields", hidden ? `Fields (${hidden} hidden)` : "Fields");
    const panel = this.panel === "fields" ? this.fieldsPanel() : this.panel === "filter" ? this.filterPanel() : this.panel === "sort" ? this.sortPanel()
      : this.panel === "group" ? this.groupPanel() : this.panel === "save-as" ? this.saveAsPanel() : this.panel === "manage" ? this.managePanel() : null;
    const row = el("div", { class: "viewsbar-row" }, viewSelect, toggle("filter", filters ? `Filter (${filters})` : "Filter"),
      toggle("sort", this.draft.sorts.length ? `Sort (${this.draft.sorts.length})` : "Sort"),
      toggle("group", this.draft.group_by?.length ? `Group (${this.draft.group_by.length})` : "Group"), fieldsToggle, search, status, manage,
      this.message ? el("span", { class: "view-message", role: "status" }, this.message) : null);
    this.node.replaceChildren(...[row, panel].filter(Boolean));
  }

  saveAsPanel() {
    this.nameInput = el("input", { type: "text", "aria-label": "View name", placeholder: "View name", class: "view-name" });
    this.scopeInput = el("select", { "aria-label": "Who sees it" },
      el("option", { value: "personal" }, "Only me"), el("option", { value: "shared" }, "Everyone"));
    const node = el("div", { class: "panel", role: "dialog", "aria-label": "Save as a new view" },
      this.nameInput, this.scopeInput, el("button", { type: "button", class: "primary create-view", onclick: () => this.saveAs() }, "Save"));
    setTimeout(() => this.nameInput.focus(), 0);
    return node;
  }

  managePanel() {
    const view = this.view;
    this.nameInput = el("input", { type: "text", "aria-label": "View name", value: view.name, class: "view-name" });
    const editable = this.canEdit(view);
    return el("div", { class: "panel", role: "dialog", "aria-label": "Manage this view" },
      this.nameInput,
      el("button", { type: "button", disabled: !editable, onclick: () => this.rename() }, "Rename"),
      el("button", { type: "button", onclick: () => this.duplicate() }, "Duplicate"),
      el("button", { type: "button", disabled: !editable, onclick: () => this.remove() }, "Delete"),
      view.scope === "personal" ? el("button", { type: "button", onclick: () => this.call(async () => {
        const saved = await api("PATCH", `/api/tables/${this.table}/views/${view.id}`, { scope: "shared", expected_version: view.version });
        this.replaceView(saved.view || saved);
      }) }, "Share with the team") : null,
      this.me.role === "admin" && view.scope === "shared" ? el("button", { type: "button", onclick: () => this.call(async () => {
        const saved = await api("PATCH", `/api/tables/${this.table}/views/${view.id}`, { locked: !view.locked, expected_version: view.version });
        this.replaceView(saved.view || saved);
      }) }, view.locked ? "Unlock" : "Lock") : null,
      editable ? null : el("span", { class: "hint" }, "Locked: only admins change it; duplicate it to make your own."));
  }

  /** The current layout: every field in column order with hidden and width, from the draft or defaults. */
  layout() {
    const saved = this.draft.fields || [];
    const known = new Set(saved.map((entry) => entry.key));
    return [
      ...saved.filter((entry) => this.allFields.some((field) => field.key === entry.key)).map((entry) => ({ ...entry })),
      ...this.allFields.filter((field) => !known.has(field.key)).map((field) => ({ key: field.key, hidden: field.hidden_by_default || undefined })),
    ];
  }

  fieldsPanel() {
    const layout = this.layout();
    const label = (key) => this.allFields.find((field) => field.key === key)?.label || key;
    const frozen = el("select", { class: "frozen-count", "aria-label": "Columns frozen on the left", onchange: (event) => {
      this.draft.frozen = Number(event.target.value);
      this.layoutChanged(this.draft.fields || null);
    } }, [1, 2, 3, 4].map((n) => el("option", { value: n, selected: Math.max(1, this.draft.frozen || 1) === n }, `${n} frozen`)));
    const height = el("select", { class: "row-height", "aria-label": "Row height", onchange: (event) => {
      this.draft.row_height = event.target.value;
      this.layoutChanged(this.draft.fields || null);
    } }, ["short", "medium", "tall"].map((value) => el("option", { value, selected: (this.draft.row_height || "short") === value }, `${value} rows`)));
    return el("div", { class: "panel fields-panel", role: "dialog", "aria-label": "Fields shown" },
      el("div", { class: "layout-options" }, frozen, height),
      layout.map((entry, index) => el("label", { class: "field-toggle" },
        el("input", { type: "checkbox", checked: !entry.hidden, disabled: index === 0, "aria-label": `Show ${label(entry.key)}`,
          onchange: (event) => {
            layout[index].hidden = event.target.checked ? undefined : true;
            this.layoutChanged(layout);
          } }), ` ${label(entry.key)}`)),
      el("button", { type: "button", onclick: () => this.layoutChanged(layout.map(({ key, width }) => ({ key, width }))) }, "Show all"));
  }

  /**
   * The rows of an ordered list of fields (sorts, or group levels): field, direction, remove, and
   * an add button up to `max`. `noun` and `orderNoun` name the controls for screen readers.
   */
  orderRows(list, max, { noun, orderNoun, addClass, addText, lead = null }) {
    const rows = list.map((item, index) => el("div", { class: lead ? "sort-row group-by-row" : "sort-row" },
      lead ? el("span", {}, lead(index)) : null,
      this.fieldSelect(item.field, (key) => { item.field = key; this.changed(); }, `${noun} field ${index + 1}`),
      el("select", { "aria-label": `${noun} ${orderNoun} ${index + 1}`, onchange: (event) => { item.direction = event.target.value; this.changed(); } },
        el("option", { value: "asc", selected: item.direction !== "desc" }, "A → Z, 1 → 9"),
        el("option", { value: "desc", selected: item.direction === "desc" }, "Z → A, 9 → 1")),
      el("button", { type: "button", "aria-label": `Remove ${noun.toLowerCase()} ${index + 1}`, onclick: () => { list.splice(index, 1); this.changed(); } }, "×")));
    const add = list.length < max ? el("button", { type: "button", class: addClass, onclick: () => {
      list.push({ field: this.fields[0].key, direction: "asc" });
      this.changed();
    } }, addText) : null;
    return [...rows, add];
  }

  sortPanel() {
    return el("div", { class: "panel", role: "dialog", "aria-label": "Sort" },
      this.orderRows(this.draft.sorts, 5, { noun: "Sort", orderNoun: "direction", addClass: "add-sort", addText: "+ Add sort" }));
  }

  /** Group by up to three fields; the grid shows a header with counts and sums per group. */
  groupPanel() {
    if (!this.draft.group_by) this.draft.group_by = [];
    const groups = this.draft.group_by;
    return el("div", { class: "panel", role: "dialog", "aria-label": "Group" },
      this.orderRows(groups, 3, {
        noun: "Group", orderNoun: "order", addClass: "add-group-by", addText: "+ Add group", lead: (index) => (index ? "then by" : "Group by"),
      }),
      groups.length ? el("span", { class: "group-actions" },
        el("button", { type: "button", class: "collapse-all", onclick: () => this.onGroups("collapse") }, "Collapse all"),
        el("button", { type: "button", class: "expand-all", onclick: () => this.onGroups("expand") }, "Expand all")) : null);
  }

  filterPanel() {
    if (!this.draft.filter) this.draft.filter = { conjunction: "and", conditions: [] };
    return el("div", { class: "panel filter-panel", role: "dialog", "aria-label": "Filter" }, this.groupEditor(this.draft.filter, 1));
  }

  groupEditor(group, depth) {
    const conjunction = el("select", { class: "conjunction", "aria-label": `Match (level ${depth})`,
      onchange: (event) => { group.conjunction = event.target.value; this.changed(); } },
      el("option", { value: "and", selected: group.conjunction === "and" }, "all of"),
      el("option", { value: "or", selected: group.conjunction === "or" }, "any of"));
    const items = group.conditions.map((condition, index) => {
      const remove = el("button", { type: "button", class: "remove", "aria-label": "Remove", onclick: () => { group.conditions.splice(index, 1); this.changed(); } }, "×");
      if (condition.conditions) return el("div", { class: "group nested" }, this.groupEditor(condition, depth + 1), remove);
      return el("div", { class: "condition" }, this.conditionEditor(condition), remove);
    });
    const first = this.fields[0];
    return el("div", { class: "group", dataset: { depth } },
      el("div", { class: "group-head" }, "Records matching ", conjunction, " these conditions"),
      items,
      el("div", { class: "group-actions" },
        el("button", { type: "button", class: "add-condition", onclick: () => {
          group.conditions.push({ field: first.key, operator: rules().operators[category(first)][0], value: null });
          this.render();
        } }, "+ Condition"),
        depth < rules().max_filter_depth ? el("button", { type: "button", class: "add-group", onclick: () => {
          group.conditions.push({ conjunction: "and", conditions: [] });
          this.render();
        } }, "+ Group") : null));
  }

  fieldSelect(key, onChange, label) {
    return el("select", { "aria-label": label, class: "field-select", onchange: (event) => onChange(event.target.value) },
      this.fields.map((field) => el("option", { value: field.key, selected: field.key === key }, field.label)));
  }

  conditionEditor(condition) {
    const field = this.fields.find((candidate) => candidate.key === condition.field) || this.fields[0];
    const kindOf = category(field);
    const operators = rules().operators[kindOf];
    if (!operators.includes(condition.operator)) condition.operator = operators[0];
    const fieldSelect = this.fieldSelect(field.key, (key) => {
      condition.field = key;
      const next = this.fields.find((candidate) => candidate.key === key);
      condition.operator = rules().operators[category(next)][0];
      condition.value = null;
      this.changed();
    }, "Field");
    const operator = el("select", { "aria-label": "Operator", class: "operator", onchange: (event) => {
      condition.operator = event.target.value;
      if (["is_empty", "is_not_empty"].includes(condition.operator)) condition.value = null;
      this.changed();
    } }, operators.map((op) => el("option", { value: op, selected: op === condition.operator }, NAMES[op])));
    return [fieldSelect, operator, this.valueEditor(condition, field, kindOf)];
  }

  valueEditor(condition, field, kindOf) {
    const op = condition.operator;
    if (["is_empty", "is_not_empty"].includes(op)) return null;
    const set = (value) => { condition.value = value; this.changed(); };
    const choices = (field.options && field.options.choices) || [];
    if (kindOf === "checkbox") {
      return el("select", { "aria-label": "Value", onchange: (event) => set(event.target.value === "true") },
        el("option", { value: "true", selected: condition.value === true }, "ticked"),
        el("option", { value: "false", selected: condition.value !== true }, "not ticked"));
    }
    if (["is_any_of", "is_none_of", "has_any_of", "has_all_of", "has_none_of"].includes(op) && choices.length) {
      const values = Array.isArray(condition.value) ? condition.value : [];
      return el("select", { multiple: true, "aria-label": "Values", class: "values", size: Math.min(5, choices.length),
        onchange: (event) => set([...event.target.selectedOptions].map((option) => option.value)) },
        choices.map((choice) => el("option", { value: choice, selected: values.includes(choice) }, optionLabel(choice, field))));
    }
    if (["is_any_of", "is_none_of", "has_any_of", "has_all_of", "has_none_of"].includes(op)) {
      return el("input", { type: "text", "aria-label": "Values, separated by commas", class: "value",
        value: Array.isArray(condition.value) ? condition.value.join(", ") : "",
        onchange: (event) => set(event.target.value.split(",").map((part) => part.trim()).filter(Boolean).map((part) => (kindOf === "link" ? Number(part) : part))) });
    }
    if ((kindOf === "select") && ["is", "is_not"].includes(op) && choices.length) {
      return el("select", { "aria-label": "Value", class: "value", onchange: (event) => set(event.target.value || null) },
        el("option", { value: "" }, ""), choices.map((choice) => el("option", { value: choice, selected: condition.value === choice }, optionLabel(choice, field))));
    }
    if (kindOf === "date" || kindOf === "datetime") {
      const relative = condition.value && typeof condition.value === "object" ? condition.value.relative : op === "is_within" ? "past_week" : "exact";
      if (op === "is_within" && !(condition.value && typeof condition.value === "object")) condition.value = { relative: "past_week" };
      const mode = el("select", { "aria-label": "Date", onchange: (event) => {
        const choice = event.target.value;
        set(choice === "exact" ? null : choice.startsWith("days_") ? { relative: choice, days: 7 } : { relative: choice });
      } }, (op === "is_within" ? rules().relative_dates.filter((r) => !["today", "tomorrow", "yesterday"].includes(r)) : ["exact", ...rules().relative_dates])
        .map((choice) => el("option", { value: choice, selected: choice === relative }, choice.replaceAll("_", " "))));
      const extra = relative === "exact"
        ? el("input", { type: "date", "aria-label": "Exact date", value: typeof condition.value === "string" ? condition.value : "",
          onchange: (event) => set(event.target.value || null) })
        : relative.startsWith("days_")
          ? el("input", { type: "number", min: 0, max: 36500, "aria-label": "Days", value: condition.value.days ?? 7,
            onchange: (event) => set({ relative, days: Number(event.target.value) }) })
          : null;
      return [mode, extra];
    }
    return el("input", { type: kindOf === "number" || kindOf === "link" ? "number" : "text", "aria-label": "Value", class: "value",
      value: condition.value ?? "",
      onchange: (event) => set(event.target.value === "" ? null : kindOf === "number" || kindOf === "link" ? Number(event.target.value) : event.target.value) });
  }
}
