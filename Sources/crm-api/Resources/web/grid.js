// The grid of one table: sticky header, frozen first column, row numbers, virtualised rows,
// per-column summaries, spreadsheet keys, in-place editors, optimistic saves with conflicts
// shown, pending edits kept across reloads, live updates from everyone else.
import { api, ApiError, el, errorState, isTransient, showModal } from "./api.js";
import { display, editText, editor, isNumeric, isReadOnly, isUserField, kind, parseTSV, ratingMax } from "./cells.js";
import { selectEditor } from "./choices.js";
import { copyText, pasteChanges, pasteTexts } from "./clipboard.js";
import { keyAction } from "./gridkeys.js";
import { columnSums, groupRows, nearestShown, selectionOf } from "./gridlayout.js";
import { footerCells, groupHeaderRow, headerCells, NUMBER_WIDTH, placeRows, recordRow } from "./gridrender.js";
import { Pending } from "./pending.js";
import { RecordStore } from "./recordstore.js";
import { rules } from "./rules.js";
import { SaveQueue } from "./savequeue.js";
import { Drawer } from "./drawer.js";
import { fieldPanel } from "./fields.js";
import { newCommitmentDialog } from "./newcommitment.js";
import { linkEditor } from "./picker.js";
import { isRecordTable, recordName, recordNames } from "./tables.js";
import { quickLogDialog } from "./quicklog.js";
import { ViewsBar } from "./views.js";

const HEIGHTS = { short: 32, medium: 56, tall: 88 };
const OVERSCAN = 8;
const PAGE = 1000;
// The column that names a record and stays frozen first (commitments are named by their links).
const PRIMARY = { investors: "name", contacts: "name", funds: "name" };

export class Grid {
  constructor(container, table, me) {
    this.container = container;
    this.table = table;
    this.me = me;
    this.fields = [];
    this.columns = [];
    // The records loaded (recordstore.js): the rows, their order, found by id.
    this.store = new RecordStore();
    this.loading = false;
    this.active = { row: 0, col: 0 };
    this.anchor = { row: 0, col: 0 };
    this.editing = null;
    this.names = new Map();
    // The save path (savequeue.js): order per record, versions, pending edits, conflicts, undo.
    this.saves = new SaveQueue(table, {
      record: (id) => this.recordById(id),
      field: (key) => this.fields.find((candidate) => candidate.key === key),
      ready: () => !this.destroyed && !this.archive && this.fields.length > 0,
      touch: () => this.store.touch(),
      render: () => this.render(),
      replace: (saved) => this.replace(saved),
      show: (record) => { this.store.append([record]); this.schedule(); },
      flash: (text) => this.flash(text),
      notice: (text) => this.notice(text),
      conflict: (record, field, mine, current) => this.conflict(record, field, mine, current),
    });
    this.destroyed = false;
    this.archive = false;
    this.drawer = new Drawer(this);
    this.frame = 0;
    // Grouped views: the rows on screen (group headers and the records of open groups).
    this.display = null;
    this.displayOf = null;
    this.collapsed = new Set();
    // Names of linked records ("investors:12" → "Acme"), fetched as cells show them.
    this.linkNames = new Map();
    this.wantedNames = {};
    // Bumped when names or field labels and options arrive, which change what cells show.
    this.labels = 0;
    // Rows in the page by position, with what they showed (see cachedRow).
    this.rowCache = new Map();
    this.namesTimer = 0;
    // Firefox fires copy and paste at the selection (the page's body), not at the focused grid, so
    // they are caught on the document (once per grid: build runs again on every reload) and taken
    // while the focus is in the grid.
    this.clipboard = (event) => {
      if (!this.grid?.contains(document.activeElement)) return;
      if (event.type === "copy") this.copy(event);
      else this.paste(event);
    };
    for (const type of ["copy", "paste"]) document.addEventListener(type, this.clipboard);
    this.resized = () => this.schedule();
    window.addEventListener("resize", this.resized);
  }

  /** The records loaded, in the order shown (read-only: changes go through `store`). */
  get records() { return this.store.records; }

  destroy() {
    this.destroyed = true;
    clearTimeout(this.saves.retryTimer);
    clearTimeout(this.reloadTimer);
    this.drawer.close();
    for (const type of ["copy", "paste"]) document.removeEventListener(type, this.clipboard);
    window.removeEventListener("resize", this.resized);
  }

  /** The text a cell shows; team members and linked records by name. */
  cellText(record, field) {
    const value = record.fields[field.key];
    if (isUserField(field)) {
      return this.names.get(value) || display(value, field);
    }
    const target = this.linkTarget(field);
    if (target && value) return this.linkName(target, value) ?? display(value, field);
    return display(value, field);
  }

  /** The table a link field points at ("users" for team members), or null. */
  linkTarget(field) {
    const table = field.type === "link" ? field.options?.table : null;
    return table && (isRecordTable(table) || table === "users") ? table : null;
  }

  /** A linked record's name if known; unknown ones are asked for in batches and drawn when they come. */
  linkName(table, id) {
    if (table === "users") return this.names.get(id);
    const key = `${table}:${id}`;
    if (this.linkNames.has(key)) return this.linkNames.get(key);
    this.linkNames.set(key, undefined);
    (this.wantedNames[table] ||= new Set()).add(id);
    if (!this.namesTimer) this.namesTimer = setTimeout(() => this.fetchNames(), 30);
    return undefined;
  }

  async fetchNames() {
    this.namesTimer = 0;
    const wanted = this.wantedNames;
    this.wantedNames = {};
    for (const [table, ids] of Object.entries(wanted)) {
      const names = await recordNames(table, ids);
      // Archived or missing records show their number; a failed batch is asked again when drawn.
      for (const id of ids) {
        if (names.has(id)) this.linkNames.set(`${table}:${id}`, names.get(id));
        else this.linkNames.delete(`${table}:${id}`);
      }
    }
    this.labels += 1;
    this.schedule();
  }

  /** The link picker for a cell: searches the linked table (or the team) as the user types. */
  linkEditorFor(field, record) {
    const table = this.linkTarget(field);
    const id = record.fields[field.key];
    const current = id ? { id, name: this.cellText(record, field) } : null;
    const search = table === "users"
      ? async (text) => [...this.names].filter(([, name]) => name.toLowerCase().includes(text.toLowerCase()))
        .map(([userId, name]) => ({ id: userId, name }))
      : async (text) => {
        const parameters = new URLSearchParams({ limit: "8" });
        if (text) parameters.set("search", text); else parameters.set("sort", "name");
        const { records } = await api("GET", `/api/tables/${table}/records?${parameters}`);
        return records.map((linked) => {
          this.linkNames.set(`${table}:${linked.id}`, recordName(linked));
          return { id: linked.id, name: recordName(linked) };
        });
      };
    return linkEditor(field, current, search);
  }

  /** Adds an option typed in a select cell to the field (the editor takes the saved options). */
  async addChoice(field, name) {
    const saved = await api("POST", `/api/tables/${this.table}/fields/${field.key}/choices`, { choice: name });
    this.labels += 1;
    return saved;
  }

  // MARK: Loading

  async load() {
    clearTimeout(this.reloadTimer);
    this.container.replaceChildren(el("p", { class: "state" }, "Loading…"));
    try {
      const [{ fields }, team] = await Promise.all([
        api("GET", `/api/tables/${this.table}/fields`),
        api("GET", "/api/team").catch(() => ({ users: [] })),
      ]);
      for (const user of team.users) this.names.set(user.id, user.name);
      this.fields = fields;
      this.views = new ViewsBar(this.table, this.me, fields, (query) => this.loadRecords(query), () => this.relayout(),
        (action) => this.setAllGroups(action === "collapse"));
      this.query = await this.views.load();
      this.columns = this.orderedColumns(fields);
      const first = await this.page(null);
      this.build();
      this.show(first);
      this.restorePending();
    } catch (error) {
      if (this.destroyed) return;
      // Offline, restarting or busy: tried again by itself until it answers.
      const again = isTransient(error) && !(error instanceof ApiError && error.status === 401);
      this.container.replaceChildren(errorState(error.message || "The records could not be loaded.", () => this.load(), { retrying: again }));
      clearTimeout(this.reloadTimer);
      if (again) this.reloadTimer = setTimeout(() => { if (!this.destroyed) this.load(); }, 3000);
    }
  }

  page(cursor) {
    const parameters = new URLSearchParams(this.archive ? "" : this.query);
    parameters.set("limit", PAGE);
    if (cursor) parameters.set("cursor", cursor);
    return api("GET", `/api/tables/${this.table}/records${this.archive ? "/archived" : ""}?${parameters}`);
  }

  /** Shows the archive (deleted records, read-only, to restore) or the live records again. */
  async toggleArchive() {
    this.archive = !this.archive;
    this.archiveButton.textContent = this.archive ? "Back to records" : "Show deleted";
    this.archiveButton.setAttribute("aria-pressed", this.archive ? "true" : "false");
    this.restoreButton.hidden = !this.archive;
    this.removeButton.hidden = this.archive;
    if (this.addButton) this.addButton.hidden = this.archive;
    this.views.node.hidden = this.archive;
    this.grid.classList.toggle("archive", this.archive);
    await this.loadRecords(this.query);
    this.flash(this.archive ? "Deleted records: select one and restore it to bring it back." : "");
  }

  async restoreActive() {
    const record = this.records[this.active.row];
    if (!record) return;
    try {
      await api("POST", `/api/tables/${this.table}/records/${record.id}/restore`);
      this.removeRecord(record.id);
      this.flash(`Restored “${record.fields.name ?? `#${record.id}`}”.`);
    } catch (error) { this.flash(error.message); }
  }

  /** Loads the records of another view, filter, sort or search; on a refusal the rows stay. */
  async loadRecords(query) {
    const previous = this.query;
    this.query = query;
    try {
      const first = await this.page(null);
      this.show(first);
      this.flash("");
    } catch (error) {
      this.query = previous;
      this.flash(error.message);
    }
  }

  show(first) {
    this.generation = (this.generation || 0) + 1;
    this.collapsed = new Set(JSON.parse(localStorage.getItem(this.collapsedKey()) || "[]"));
    this.rowsKey = null;
    this.store.reset(first.total);
    this.store.append(first.records);
    this.active = { row: 0, col: Math.min(this.active.col, this.columns.length - 1) };
    this.anchor = { ...this.active };
    if (this.scroller) this.scroller.scrollTop = 0;
    this.loadRest(first.next_cursor, this.generation);
    this.schedule();
  }

  async loadRest(cursor, generation) {
    this.loading = Boolean(cursor);
    while (cursor && !this.destroyed && generation === this.generation) {
      try {
        const page = await this.page(cursor);
        if (generation !== this.generation) return;
        this.store.append(page.records);
        cursor = page.next_cursor;
        this.schedule();
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 2000));
      }
    }
    if (generation === this.generation) {
      this.loading = false;
      this.schedule();
      // Every record of the view is here now: edits kept for records past the first page are
      // sent, and those for records the view does not show are fetched and sent.
      if (!this.destroyed) this.retryPending({ fetchMissing: true });
    }
  }

  // MARK: Layout

  layoutKey() { return `crm.layout.${this.table}`; }

  /** Columns from the view's layout (order, hidden, widths) when it has one, else this browser's. */
  orderedColumns(fields) {
    const viewLayout = this.views && this.views.draft.fields;
    if (viewLayout) {
      const columns = [];
      for (const entry of this.views.layout()) {
        const field = fields.find((candidate) => candidate.key === entry.key);
        if (field && !entry.hidden) columns.push({ field, width: entry.width || (field.key === "name" ? 220 : 150) });
      }
      if (columns.length) return columns;
    }
    fields = fields.filter((field) => !field.hidden_by_default);
    let layout = {};
    try { layout = JSON.parse(localStorage.getItem(this.layoutKey()) || "{}"); } catch { layout = {}; }
    const order = layout.order || [];
    const sorted = [...fields].sort((a, b) => {
      const ia = order.indexOf(a.key), ib = order.indexOf(b.key);
      if (ia === -1 && ib === -1) return a.position - b.position;
      if (ia === -1) return 1;
      if (ib === -1) return -1;
      return ia - ib;
    });
    const primary = sorted.findIndex((field) => field.key === (PRIMARY[this.table] || sorted[0]?.key));
    if (primary > 0) sorted.unshift(...sorted.splice(primary, 1));
    return sorted.map((field) => ({
      field,
      width: (layout.widths || {})[field.key] || (field.key === "name" ? 220 : ["long_text", "multi_select"].includes(field.type) ? 220 : 150),
    }));
  }

  relayout() {
    if (!this.header) return;
    this.grid.style.setProperty("--row", `${this.rowHeight}px`);
    this.grid.classList.toggle("tall-rows", this.rowHeight > HEIGHTS.short);
    this.columns = this.orderedColumns(this.fields);
    this.active.col = Math.min(this.active.col, this.columns.length - 1);
    this.anchor.col = Math.min(this.anchor.col, this.columns.length - 1);
    this.renderHeader();
    this.render();
  }

  saveLayout() {
    if (this.views && this.views.view) {
      const shown = this.columns.map((column) => ({ key: column.field.key, width: column.width }));
      const hidden = this.views.layout().filter((entry) => entry.hidden);
      this.views.layoutChanged([...shown, ...hidden]);
      return;
    }
    const layout = { order: this.columns.map((column) => column.field.key), widths: {} };
    for (const column of this.columns) layout.widths[column.field.key] = column.width;
    try { localStorage.setItem(this.layoutKey(), JSON.stringify(layout)); } catch { /* not kept */ }
  }

  build() {
    this.header = el("div", { class: "grid-header", role: "row", "aria-rowindex": 1 });
    this.body = el("div", { class: "grid-body", role: "rowgroup" });
    this.rowCache = new Map();
    this.footer = el("div", { class: "grid-footer", role: "row" });
    this.scroller = el("div", { class: "grid-scroll" }, this.header, this.body, this.footer);
    this.grid = el("div", {
      class: "grid", role: "grid", tabindex: 0, "aria-label": `${this.table} grid`,
      "aria-colcount": this.columns.length + 1, onkeydown: (event) => this.onKey(event),
    }, this.scroller);
    this.addButton = el("button", { type: "button", class: "primary", onclick: () => this.addRecord() }, "+ New record");
    this.removeButton = el("button", { type: "button", onclick: () => this.deleteActive() }, "Delete record");
    this.restoreButton = el("button", { type: "button", class: "primary", hidden: true, onclick: () => this.restoreActive() }, "Restore record");
    const expand = el("button", { type: "button", title: "Shift+Space", onclick: () => this.expand() }, "Expand record");
    this.archiveButton = el("button", { type: "button", "aria-pressed": "false", onclick: () => this.toggleArchive() }, "Show deleted");
    const addField = el("button", { type: "button", class: "add-field", onclick: () => this.editField(null) }, "+ Field");
    // Logging moves the investor's and contacts' "Last contacted": the grid reads them again.
    const log = el("button", { type: "button", class: "quick-log-open", onclick: () => quickLogDialog(this, async (text) => {
      if (["investors", "contacts"].includes(this.table)) await this.load();
      this.flash(text);
    }) }, "Log a communication");
    this.status = el("span", { class: "grid-status", role: "status" });
    this.fieldArea = el("div", { class: "field-area" });
    this.notices = el("div", { class: "notices" });
    this.grid.style.setProperty("--row", `${this.rowHeight}px`);
    this.grid.classList.toggle("tall-rows", this.rowHeight > HEIGHTS.short);
    const toolbar = el("div", { class: "toolbar" }, this.views.node, this.addButton, this.removeButton, this.restoreButton, expand,
      this.archiveButton, addField, log, this.status);
    this.container.replaceChildren(toolbar, this.notices, this.fieldArea, this.grid);
    this.scroller.addEventListener("scroll", () => this.schedule(), { passive: true });
    const cellOf = (event) => (event.target.closest(".cell-editor") ? null : event.target.closest(".grid-body .cell[data-col]"));
    this.body.addEventListener("mousedown", (event) => {
      const cell = cellOf(event);
      if (!cell) return;
      // The grid takes the focus itself: activating re-renders the row, and Firefox, finding the
      // pressed cell gone, would otherwise move the focus to the page and lose every key after.
      event.preventDefault();
      this.activate(Number(cell.dataset.row), Number(cell.dataset.col), event.shiftKey);
      // On the press, not the click: activating re-renders the row, so the star pressed is gone by the click.
      const star = event.target.closest(".star");
      if (star && !event.shiftKey) this.rate(Number(star.dataset.star), { toggle: true });
    });
    this.body.addEventListener("dblclick", (event) => { if (cellOf(event)) this.startEdit(); });
    this.renderHeader();
    this.grid.focus({ preventScroll: true });
  }

  /** Frozen columns (at least the primary one) and row height, from the view. */
  get frozen() { return Math.max(1, Math.min(this.columns.length, (this.views && this.views.draft.frozen) || 1)); }

  get rowHeight() { return HEIGHTS[(this.views && this.views.draft.row_height) || "short"] || HEIGHTS.short; }

  /** Where frozen column `index` sticks: after the row numbers and the frozen columns before it. */
  frozenLeft(index) {
    let left = NUMBER_WIDTH;
    for (let i = 0; i < index; i += 1) left += this.columns[i]?.width || 0;
    return left;
  }

  get widths() { return [NUMBER_WIDTH, ...this.columns.map((column) => column.width)]; }

  template() { return this.widths.map((width) => `${width}px`).join(" "); }

  renderHeader() {
    this.header.style.gridTemplateColumns = this.template();
    this.footer.style.gridTemplateColumns = this.template();
    this.header.replaceChildren(...headerCells(this));
    this.body.style.width = `${this.widths.reduce((a, b) => a + b, 0)}px`;
  }

  /** Opens the panel that adds a field (null) or changes one; the grid reloads when it is saved. */
  editField(field) {
    const close = () => { this.fieldArea.replaceChildren(); this.grid.focus({ preventScroll: true }); };
    const panel = fieldPanel(this.table, this.fields, this.me, {
      field, onClose: close,
      onSaved: () => { close(); this.load(); },
    });
    this.fieldArea.replaceChildren(panel);
    panel.querySelector("input")?.focus();
  }

  startResize(event, index) {
    event.preventDefault();
    event.stopPropagation();
    const startX = event.clientX, startWidth = this.columns[index].width;
    const move = (e) => {
      this.columns[index].width = Math.max(60, Math.min(800, startWidth + e.clientX - startX));
      this.renderHeader();
      this.render();
    };
    const up = () => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
      this.saveLayout();
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
  }

  moveColumn(from, to) {
    if (from === to || Number.isNaN(from) || from === 0 || to === 0) return;
    const [column] = this.columns.splice(from, 1);
    this.columns.splice(to, 0, column);
    this.saveLayout();
    this.renderHeader();
    this.render();
  }

  schedule() {
    if (this.frame || this.destroyed || !this.body) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  // MARK: Rendering

  render() {
    if (!this.body) return;
    this.layoutRows();
    // Moving the editor into the new rows takes its focus: note it to give it back.
    const editorFocus = this.editing && document.activeElement === this.editing.input
      ? [this.editing.input.selectionStart, this.editing.input.selectionEnd] : null;
    const count = this.display ? this.display.length : this.records.length;
    const ROW = this.rowHeight;
    this.body.style.height = `${count * ROW}px`;
    const top = this.scroller.scrollTop;
    const height = this.scroller.clientHeight || 600;
    const first = Math.max(0, Math.floor(top / ROW) - OVERSCAN);
    const last = Math.min(count, Math.ceil((top + height) / ROW) + OVERSCAN);
    const rows = [];
    const template = this.template();
    const pending = new Set(Pending.forTable(this.table).map((entry) => `${entry.id}:${entry.key}`));
    // What every row shows depends on: names known, column widths and order, each field's type
    // and options (a type change keeps values but not how they read), frozen columns, row height.
    const epoch = [this.labels, template, this.frozen, ROW, this.archive,
      JSON.stringify(this.columns.map(({ field }) => [field.key, field.type, field.options]))].join("\u0001");
    const reused = new Map();
    for (let position = first; position < last; position += 1) {
      const entry = this.display ? this.display[position] : position;
      rows.push(typeof entry === "number" ? this.cachedRow(entry, template, position, pending, epoch, reused)
        : groupHeaderRow(this, entry, template, position));
    }
    this.rowCache = reused;
    if (!count && !this.loading) {
      rows.push(el("div", { class: "empty-state", role: "note" }, this.query || this.archive
        ? (this.archive ? "No deleted records." : "No records match this view.")
        : ["No records yet — add one with + New record, or ", el("a", { href: `#page=import&table=${this.table}` }, "import an Airtable export"), "."]));
    }
    const editingAt = this.editing ? this.positionOf(this.editing.row) : undefined;
    if (editingAt !== undefined && editingAt >= first && editingAt < last) {
      const row = rows[editingAt - first];
      const cell = row.children[this.editing.col + 1];
      cell.replaceChildren(this.editing.input);
      cell.classList.add("editing");
    }
    placeRows(this.body, rows);
    // For bench/web.py: when rows were first on screen.
    if (count && !this.markedFirstRows) {
      this.markedFirstRows = true;
      performance.mark("crm:first-rows");
    }
    this.grid.setAttribute("aria-rowcount", String(count + 1));
    if (this.editing && editorFocus && !this.editing.focus && this.editing.input.isConnected) {
      this.editing.input.focus({ preventScroll: true });
      if (this.editing.input.setSelectionRange && editorFocus[0] !== null) {
        try { this.editing.input.setSelectionRange(editorFocus[0], editorFocus[1]); } catch { /* not a text input */ }
      }
    }
    if (this.editing && this.editing.focus) {
      this.editing.focus = false;
      this.editing.input.focus();
      if (this.editing.input.setSelectionRange && this.editing.input.type === "text") {
        const end = this.editing.input.value.length;
        this.editing.input.setSelectionRange(end, end);
      }
    }
    this.renderFooter();
  }

  /** Where a record is on screen (its row among headers and open groups); undefined when hidden. */
  positionOf(index) { return this.display ? this.displayOf.get(index) : index; }

  /**
   * A record's row, the one already in the page when nothing it shows has changed (scrolling
   * then builds only the rows coming into view). The row being edited is always built anew: its
   * cell takes the editor.
   */
  cachedRow(position, template, at, pending, epoch, reused) {
    if (this.editing && this.editing.row === position) return recordRow(this, this.records[position], position, template, at, pending);
    const record = this.records[position];
    const block = this.selection;
    const blockSpan = (block.top !== block.bottom || block.left !== block.right) && position >= block.top && position <= block.bottom
      ? `${block.left}-${block.right}` : "";
    const signature = [epoch, at, record.id, record.version, JSON.stringify(record.fields), JSON.stringify(record.errors || null),
      this.active.row === position ? this.active.col : -1, blockSpan,
      this.columns.map((column) => (pending.has(`${record.id}:${column.field.key}`) ? 1 : 0)).join("")].join("\u0001");
    const cached = this.rowCache?.get(position);
    const node = cached && cached.signature === signature ? cached.node : recordRow(this, record, position, template, at, pending);
    reused.set(position, { signature, node });
    return node;
  }

  // MARK: Groups

  groupBy() {
    if (this.archive) return [];
    return (this.views?.draft.group_by || []).map((group) => this.fields.find((field) => field.key === group.field)).filter(Boolean);
  }

  collapsedKey() { return `crm.collapsed.${this.table}.${this.views?.view?.id || "none"}`; }

  /** The rows on screen of a grouped view (gridlayout.js), rebuilt only when something changed. */
  layoutRows() {
    const fields = this.groupBy();
    const key = `${this.store.changes}:${this.records.length}:${fields.map((field) => field.key)}:${[...this.collapsed].join("\u0002")}:${this.columns.length}`;
    if (this.rowsKey === key) return;
    this.rowsKey = key;
    if (!fields.length) { this.display = null; this.displayOf = null; return; }
    const numeric = this.columns.map((column) => column.field).filter(isNumeric).map((field) => field.key);
    ({ display: this.display, displayOf: this.displayOf } = groupRows(this.records, fields, numeric, this.collapsed));
  }

  toggleGroup(path) {
    if (this.collapsed.has(path)) this.collapsed.delete(path); else this.collapsed.add(path);
    this.groupsChanged();
  }

  /** Collapses or expands every group (the views bar's Group panel). */
  setAllGroups(collapse) {
    this.collapsed = new Set();
    if (collapse) {
      this.rowsKey = null;
      this.layoutRows();
      for (const entry of this.display || []) if (typeof entry !== "number") this.collapsed.add(entry.path);
    }
    this.groupsChanged();
  }

  groupsChanged() {
    localStorage.setItem(this.collapsedKey(), JSON.stringify([...this.collapsed]));
    this.rowsKey = null;
    this.layoutRows();
    if (this.positionOf(this.active.row) === undefined) this.activate(this.active.row, this.active.col);
    else this.schedule();
  }

  /** Sums per numeric column, recomputed only when records changed (not on every scroll frame). */
  summaries() {
    const key = `${this.store.changes}:${this.records.length}:${this.columns.map((column) => column.field.key).join(",")}`;
    if (this.summaryKey === key) return this.summaryCache;
    this.summaryKey = key;
    this.summaryCache = columnSums(this.records, this.columns.map((column) => column.field).filter(isNumeric).map((field) => field.key));
    return this.summaryCache;
  }

  renderFooter() {
    const sums = this.summaries();
    const footerKey = `${this.summaryKey}:${this.loading}:${this.store.total}:${this.template()}`;
    if (this.footerKey === footerKey) return;
    this.footerKey = footerKey;
    this.footer.replaceChildren(...footerCells(this, this.records.length, this.store.total, sums));
  }

  // MARK: Moving around

  /** Moves the active cell; `extend` keeps the selection's other corner where it was. */
  activate(row, col, extend = false) {
    if (this.editing) this.commitEdit({ move: null });
    this.active = {
      row: this.visibleRow(Math.max(0, Math.min(this.records.length - 1, row)), Math.sign(row - this.active.row) || 1),
      col: Math.max(0, Math.min(this.columns.length - 1, col)),
    };
    if (!extend) this.anchor = { ...this.active };
    this.reveal();
    this.render();
    if (!this.editing) this.grid.focus({ preventScroll: true });
  }

  /** The nearest record on screen from `row`, looking in `direction` first (collapsed groups hide some). */
  visibleRow(row, direction) {
    this.layoutRows();
    return nearestShown(row, direction, this.display && this.displayOf, this.records.length);
  }

  /** The selected block: rows and columns from the anchor to the active cell. */
  get selection() { return selectionOf(this.anchor, this.active); }

  reveal() {
    const ROW = this.rowHeight;
    const top = (this.positionOf(this.active.row) ?? 0) * ROW;
    const headerHeight = this.header.offsetHeight || ROW;
    const footerHeight = this.footer.offsetHeight || ROW;
    const view = this.scroller.clientHeight - headerHeight - footerHeight;
    if (top < this.scroller.scrollTop) this.scroller.scrollTop = top;
    else if (top + ROW > this.scroller.scrollTop + view) this.scroller.scrollTop = top + ROW - view;
    let left = NUMBER_WIDTH;
    for (let index = 0; index < this.active.col; index += 1) left += this.columns[index].width;
    const width = this.columns[this.active.col]?.width || 0;
    const frozen = this.frozenLeft(this.frozen);
    if (this.active.col >= this.frozen && left - frozen < this.scroller.scrollLeft) this.scroller.scrollLeft = left - frozen;
    else if (left + width > this.scroller.scrollLeft + this.scroller.clientWidth) {
      this.scroller.scrollLeft = left + width - this.scroller.clientWidth;
    }
  }

  /** Carries out what a key asks for (gridkeys.js); keys that are not the grid's are left alone. */
  onKey(event) {
    const { row, col } = this.active;
    const field = this.columns[col]?.field;
    const asked = keyAction(event, {
      rows: this.records.length, cols: this.columns.length, active: this.active, field,
      pageRows: Math.floor(this.scroller.clientHeight / this.rowHeight),
      editing: this.editing && { multiline: this.editing.input.tagName === "TEXTAREA" },
    });
    if (!asked) return;
    event.preventDefault();
    switch (asked.action) {
      case "cancel": this.cancelEdit(); break;
      case "commit": this.commitEdit({ move: asked.move }); break;
      case "activate": this.activate(asked.row, asked.col, asked.extend); break;
      case "edit": this.startEdit(asked.initial); break;
      case "expand": this.expand(); break;
      case "undo": this.undoLast(); break;
      case "rate": this.rate(asked.count); break;
      case "toggle":
        if (!isReadOnly(field)) this.save(this.records[row], field, !this.records[row].fields[field.key]);
        break;
      case "clear": {
        const block = this.selection;
        if (block.top === block.bottom && block.left === block.right) {
          if (!isReadOnly(field)) this.save(this.records[row], field, kind(field) === "checkbox" ? false : kind(field) === "multi_select" ? [] : null);
        } else {
          const rows = this.rowsFrom(block.top, block.bottom).length, cols = block.right - block.left + 1;
          this.pasteGrid(Array.from({ length: rows }, () => Array(cols).fill("")), block);
        }
        break;
      }
    }
  }

  // MARK: Editing

  expand() {
    const record = this.records[this.active.row];
    if (record) this.drawer.open(record);
  }

  /** Sets the active rating cell to `count` stars (a digit typed, or a star clicked: the lit star again clears it). */
  rate(count, { toggle = false } = {}) {
    const record = this.records[this.active.row];
    const field = this.columns[this.active.col]?.field;
    if (!record || !field || field.type !== "rating") return;
    if (this.archive) { this.flash("Restore the record to edit it."); return; }
    if (count > ratingMax(field)) { this.flash(`${field.label} goes from 0 to ${ratingMax(field)}.`); return; }
    const value = toggle && record.fields[field.key] === count ? 0 : count;
    if (record.fields[field.key] !== value) this.save(record, field, value);
  }

  startEdit(initial) {
    const record = this.records[this.active.row];
    const field = this.columns[this.active.col]?.field;
    if (!record || !field) return;
    if (this.archive) {
      this.flash("Restore the record to edit it.");
      return;
    }
    if (isReadOnly(field)) {
      this.flash(`${field.label} is computed by the CRM.`);
      return;
    }
    if (kind(field) === "checkbox") {
      this.save(record, field, !record.fields[field.key]);
      return;
    }
    const text = initial !== undefined && kind(field) !== "date" ? initial : editText(record.fields[field.key], field);
    const select = ["single_select", "multi_select"].includes(kind(field));
    const input = this.linkTarget(field) ? this.linkEditorFor(field, record)
      : select ? selectEditor(field, record.fields[field.key], initial, (name) => this.addChoice(field, name))
        : editor(field, text);
    if (initial !== undefined && this.linkTarget(field)) input.value = initial;
    input.addEventListener("blur", () => {
      // A re-render (a save coming back, someone else's change) moves the editor and gives its
      // focus back: only a blur that lasts means the user left the cell.
      setTimeout(() => {
        if (this.editing && this.editing.input === input && document.activeElement !== input) this.commitEdit({ move: null });
      }, 0);
    });
    this.editing = { row: this.active.row, col: this.active.col, input, record, field, version: record.version, focus: true };
    this.render();
  }

  cancelEdit() {
    this.editing?.input.detach?.();
    this.editing = null;
    this.render();
    this.grid.focus({ preventScroll: true });
  }

  commitEdit({ move }) {
    const { input, record, field, version } = this.editing;
    let value;
    try {
      value = input.read();
    } catch (error) {
      this.flash(error.message);
      return;
    }
    input.detach?.();
    this.editing = null;
    const before = record.fields[field.key];
    if (JSON.stringify(before ?? null) !== JSON.stringify(value ?? null)) this.save(record, field, value, { expectedVersion: version });
    if (move) this.activate(this.active.row + move[0], this.active.col + move[1]);
    else { this.render(); this.grid.focus({ preventScroll: true }); }
  }

  /** The record shown with this id, or undefined. */
  recordById(id) { return this.store.byId(id); }

  /** Saves one cell (savequeue.js); archived records are restored before they are edited. */
  save(record, field, value, options = {}) {
    if (this.archive) {
      this.flash("Restore the record to edit it.");
      return Promise.resolve();
    }
    return this.saves.save(record, field, value, options);
  }

  /** Shows the server's copy of a record; the user's edits not yet confirmed stay shown. */
  replace(saved) {
    this.store.put(saved, Pending.forTable(this.table).filter((entry) => entry.id === saved.id).map((entry) => entry.key));
    this.schedule();
  }

  /** Someone else changed the record first: show their value and who, and let the user choose. */
  conflict(record, field, mine, current) {
    const theirs = current.fields[field.key];
    const who = this.names.get(current.last_modified_by) || "someone else";
    const dialog = el("div", { class: "dialog", role: "alertdialog", "aria-modal": "true", "aria-labelledby": "conflict-title" },
      el("h2", { id: "conflict-title" }, "This record changed while you were editing"),
      el("p", {}, `${who} set ${field.label} to “${display(theirs, field) || "(empty)"}”. You typed “${display(mine, field) || "(empty)"}”.`),
      el("div", { class: "actions" },
        el("button", { type: "button", class: "keep-theirs", onclick: () => {
          Pending.remove(this.table, record.id, field.key);
          this.replace(current);
          close();
        } }, "Keep theirs"),
        el("button", { type: "button", class: "primary overwrite", onclick: () => {
          Pending.remove(this.table, record.id, field.key);
          this.replace(current);
          close();
          this.save(this.recordById(record.id), field, mine, { expectedVersion: current.version });
        } }, "Overwrite with mine")));
    const hide = showModal(el("div", { class: "backdrop" }, dialog));
    const close = () => { hide(); this.grid.focus({ preventScroll: true }); };
    dialog.querySelector("button").focus();
  }

  /** Sends again every pending edit of this table that is not already on its way. */
  retryPending(options) { this.saves.retryPending(options); }

  restorePending() {
    if (Pending.forTable(this.table).length) this.retryPending();
  }

  undoLast() { return this.saves.undoLast(); }

  // MARK: Copy and paste (tab-separated, as spreadsheets and Airtable write them)

  copy(event) {
    if (this.editing || !this.records.length) return;
    const block = this.selection;
    const rows = this.rowsFrom(block.top, block.bottom);
    event.clipboardData.setData("text/plain", copyText(this.records, this.columns, rows, block.left, block.right));
    event.preventDefault();
    this.flash(`Copied ${rows.length} × ${block.right - block.left + 1}.`);
  }

  /** The records from `top` (to `bottom`, else any number) that are on screen: a block skips collapsed groups. */
  rowsFrom(top, bottom = this.records.length - 1, count = Infinity) {
    this.layoutRows();
    const rows = [];
    for (let row = top; row <= bottom && row < this.records.length && rows.length < count; row += 1) {
      if (this.positionOf(row) !== undefined) rows.push(row);
    }
    return rows;
  }

  paste(event) {
    if (this.editing || !this.records.length) return;
    event.preventDefault();
    const rows = parseTSV(event.clipboardData.getData("text/plain"));
    if (!rows.length) return;
    const block = this.selection;
    this.pasteGrid(pasteTexts(rows, block), block);
  }

  /** Writes a block of texts from the selection's top-left corner, in one request. */
  pasteGrid(texts, block) {
    const rows = this.rowsFrom(block.top, undefined, texts.length);
    const { changes, problem } = pasteChanges(texts, rows, this.records, this.columns, block.left);
    if (problem) { this.flash(problem); return; }
    if (!changes.length) return;
    this.anchor = { row: block.top, col: block.left };
    this.active = {
      row: rows[rows.length - 1],
      col: Math.min(this.columns.length - 1, block.left + Math.max(...texts.map((row) => row.length)) - 1),
    };
    this.sendBatch(changes);
  }

  /** Saves several records in one request: all or nothing; undone as one step. */
  async sendBatch(changes, options) {
    if (this.archive) {
      this.flash("Restore the records to edit them.");
      return;
    }
    await this.saves.sendBatch(changes, options);
  }

  async addRecord() {
    if (this.table === "commitments") {
      newCommitmentDialog(this, (record) => {
        this.store.append([record]);
        this.activate(this.records.length - 1, 0);
        this.flash("Commitment added.");
      });
      return;
    }
    const [key] = rules().required[this.table];
    try {
      const record = await api("POST", `/api/tables/${this.table}/records`, { fields: { [key]: "Untitled" } });
      this.store.append([record]);
      this.activate(this.records.length - 1, 0);
      this.startEdit();
    } catch (error) { this.flash(error.message); }
  }

  async deleteActive() {
    const record = this.records[this.active.row];
    if (!record) return;
    try {
      await api("DELETE", `/api/tables/${this.table}/records/${record.id}`);
      this.removeRecord(record.id);
      const restore = el("button", { type: "button", class: "link", onclick: async () => {
        try { this.replace(await api("POST", `/api/tables/${this.table}/records/${record.id}/restore`)); this.flash("Restored."); }
        catch (error) { this.flash(error.message); }
      } }, "Undo");
      this.status.replaceChildren(`Deleted “${record.fields.name ?? `#${record.id}`}”. `, restore);
    } catch (error) { this.flash(error.message); }
  }

  removeRecord(id) {
    if (!this.store.remove(id)) return;
    this.active.row = Math.min(this.active.row, Math.max(0, this.records.length - 1));
    this.schedule();
  }

  /**
   * After the table's fields changed (a `fields` event) or the stream reconnected, fields renamed
   * or given new options elsewhere are updated in place, so a new option shows as its chip at
   * once; fields added or removed elsewhere show on the next load.
   */
  refreshFields() {
    clearTimeout(this.fieldsTimer);
    this.fieldsTimer = setTimeout(async () => {
      if (this.destroyed || !this.fields) return;
      try {
        const { fields } = await api("GET", `/api/tables/${this.table}/fields`);
        let changed = false;
        for (const field of this.fields) {
          const fresh = fields.find((candidate) => candidate.key === field.key);
          if (!fresh || (fresh.label === field.label && JSON.stringify(fresh.options) === JSON.stringify(field.options))) continue;
          Object.assign(field, { label: fresh.label, options: fresh.options });
          changed = true;
        }
        if (changed) { this.labels += 1; this.renderHeader(); this.render(); }
      } catch {
        // The next change tries again.
      }
    }, 300);
  }

  flash(message) {
    if (this.status) this.status.textContent = message;
  }

  /** A message that stays until dismissed (the status line is overwritten by the next save). */
  notice(message) {
    const node = el("p", { class: "notice", role: "alert" }, message, " ",
      el("button", { type: "button", class: "link", onclick: () => node.remove() }, "Dismiss"));
    this.notices?.append(node);
  }

  // MARK: Live updates

  async onEvent({ kind: type, data }) {
    if (type === "reset") { this.load(); return; }
    if (type === "fields") { if ((data.tables || []).includes(this.table)) this.refreshFields(); return; }
    if (type !== "record" || data.table !== this.table) return;
    if (this.archive) {
      if ((data.actions || []).includes("restore")) this.removeRecord(data.record_id);
      return;
    }
    const shown = this.store.byId(data.record_id);
    if ((data.actions || []).includes("delete") && !(data.actions || []).includes("restore")) {
      this.removeRecord(data.record_id);
      return;
    }
    if (shown && shown.version >= data.version) return;
    try {
      const record = await api("GET", `/api/tables/${this.table}/records/${data.record_id}`);
      this.replace(record);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) this.removeRecord(data.record_id);
    }
  }
}
