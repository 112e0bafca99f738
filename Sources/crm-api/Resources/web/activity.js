// The activity feed: who changed what, backups, restores and imports, newest first, by day, in
// sentences a person reads: record names, field labels and values as the grid shows them.
import { api, el } from "./api.js";
import { bytes, display, isUserField } from "./cells.js";
import { TABLES, isRecordTable, recordNames, tableLabel } from "./tables.js";

const VERBS = { create: "added", update: "changed", delete: "deleted", restore: "restored" };

/** One line per change of a record: a record's field rows written together (one save) are one line. */
export function groupEntries(entries) {
  const lines = [];
  for (const entry of entries) {
    const last = lines[lines.length - 1];
    if (entry.type === "audit" && last && last.type === "audit" && last.table === entry.table && last.record_id === entry.record_id
      && last.action === entry.action && last.user_id === entry.user_id && last.at === entry.at) {
      if (entry.field) last.changes.push(entry);
      continue;
    }
    lines.push({ ...entry, changes: entry.type === "audit" && entry.field ? [entry] : [] });
  }
  return lines;
}

/** "Today", "Yesterday" or the date, for the heading of a day's entries. */
export function dayHeading(date, now = new Date()) {
  const day = (value) => new Date(value.getFullYear(), value.getMonth(), value.getDate()).getTime();
  const days = Math.round((day(now) - day(date)) / 86400000);
  if (days === 0) return "Today";
  if (days === 1) return "Yesterday";
  return date.toLocaleDateString(undefined, { weekday: "long", day: "numeric", month: "long", year: "numeric" });
}

export async function activityPage(container, names) {
  const table = el("select", { "aria-label": "Table" }, el("option", { value: "" }, "All tables"),
    TABLES.map(([key, label]) => el("option", { value: key }, label)));
  const person = el("select", { "aria-label": "Person" }, el("option", { value: "" }, "Everyone"),
    [...names].sort((a, b) => a[1].localeCompare(b[1])).map(([id, name]) => el("option", { value: String(id) }, name)));
  const list = el("div", { class: "activity", "aria-live": "polite" });
  const more = el("button", { type: "button", hidden: true }, "Show more");
  container.replaceChildren(el("div", { class: "admin" }, el("h1", {}, "Activity"),
    el("div", { class: "activity-filters" }, table, person), list, more));

  const catalogs = new Map();
  const named = new Map();
  let cursor = null;
  let lastDay = null;
  let generation = 0;

  const fieldsOf = async (name) => {
    if (!catalogs.has(name)) {
      catalogs.set(name, api("GET", `/api/tables/${name}/fields`)
        .then(({ fields }) => new Map(fields.map((field) => [field.key, field])))
        .catch(() => new Map()));
    }
    return catalogs.get(name);
  };
  const nameRecords = async (lines) => {
    const wanted = {};
    for (const line of lines) {
      if (line.type === "audit" && isRecordTable(line.table) && !named.has(`${line.table}:${line.record_id}`)) {
        (wanted[line.table] ||= new Set()).add(line.record_id);
      }
    }
    for (const [table, ids] of Object.entries(wanted)) {
      for (const [id, name] of await recordNames(table, ids)) named.set(`${table}:${id}`, name);
    }
  };
  const who = (line) => (line.user_id ? names.get(line.user_id) || `User #${line.user_id}` : "The CRM");

  const value = (change, field) => {
    if (field && isUserField(field)) {
      return change ? names.get(change) || `User #${change}` : "(empty)";
    }
    const text = field ? display(change, field) : typeof change === "string" ? change : JSON.stringify(change);
    return text === "" || change === null || change === undefined ? "(empty)" : text;
  };

  const sentence = async (line) => {
    if (line.type === "audit") {
      const fields = await fieldsOf(line.table);
      const name = named.get(`${line.table}:${line.record_id}`) || `#${line.record_id}`;
      const where = `${line.action === "create" ? " to" : " in"} ${tableLabel(line.table)}`;
      const order = new Map([...fields.keys()].map((key, index) => [key, index]));
      const place = (change) => order.get(change.field) ?? order.size;
      const details = [...line.changes].sort((a, b) => place(a) - place(b)).map((change) => {
        const field = fields.get(change.field);
        const label = el("span", { class: "field-label" }, `${field?.label || change.field}:`);
        return line.action === "create"
          ? el("li", {}, label, " ", value(change.new, field))
          : el("li", {}, label, " ", value(change.old, field), " → ", value(change.new, field));
      });
      return [[el("strong", {}, who(line)), ` ${VERBS[line.action] || line.action} `, el("strong", { class: "record-name" }, name), where],
        details.length ? el("ul", { class: "changes" }, details) : null];
    }
    const data = line.new || {};
    if (line.type === "import") {
      const counts = ["created", "updated", "unchanged", "archived", "skipped"].filter((key) => data[key]).map((key) => `${data[key].toLocaleString()} ${key}`);
      return [[el("strong", {}, who(line)), ` imported ${data.file || "a file"} into ${tableLabel(line.table)}`,
        counts.length ? `: ${counts.join(", ")}` : ""], null];
    }
    if (line.type === "backup") {
      if (line.action === "restore") return [[el("strong", {}, who(line)), " restored the data from a backup"], null];
      if (line.action === "backup_pruned") return [[`An old backup (${(line.old || {}).file}) was removed, as the backup policy keeps`], null];
      const kind = line.action.replace("backup_", "");
      const taken = kind === "scheduled" ? "The scheduled backup was taken" : kind === "safety" ? "A safety backup was taken before a restore"
        : null;
      const what = ` (${[data.file, data.size_bytes >= 0 ? bytes(data.size_bytes) : null].filter(Boolean).join(", ")})`;
      return [taken ? [taken, what] : [el("strong", {}, who(line)), " took a backup", what], null];
    }
    return [[el("strong", {}, who(line)), ` ${line.type}: ${line.action}`], null];
  };

  const load = async () => {
    const mine = generation;
    more.disabled = true;
    const parameters = new URLSearchParams({ limit: "100" });
    if (table.value) parameters.set("table", table.value);
    if (person.value) parameters.set("user_id", person.value);
    if (cursor) parameters.set("cursor", cursor);
    try {
      const page = await api("GET", `/api/activity?${parameters}`);
      const lines = groupEntries(page.activity);
      await nameRecords(lines);
      const items = [];
      for (const line of lines) {
        const at = new Date(line.at);
        const day = dayHeading(at);
        if (day !== lastDay) {
          items.push(el("h2", { class: "activity-day" }, day));
          lastDay = day;
        }
        const [text, details] = await sentence(line);
        items.push(el("div", { class: "activity-item" },
          el("time", { datetime: line.at }, at.toLocaleTimeString(undefined, { hour: "numeric", minute: "2-digit" })),
          el("div", {}, el("p", {}, text), details)));
      }
      if (mine !== generation) return;
      list.querySelector(".state")?.remove();
      list.append(...items);
      if (!list.children.length) list.append(el("p", { class: "hint" }, table.value || person.value ? "Nothing matches." : "Nothing has happened yet."));
      cursor = page.next_cursor;
      more.hidden = !cursor;
    } catch (error) {
      if (mine === generation) list.append(el("p", { class: "state error", role: "alert" }, error.message || "The activity could not be loaded."));
    } finally {
      more.disabled = false;
    }
  };
  const reload = () => {
    generation += 1;
    cursor = null;
    lastDay = null;
    more.hidden = true;
    list.replaceChildren(el("p", { class: "state" }, "Loading…"));
    load();
  };
  table.addEventListener("change", reload);
  person.addEventListener("change", reload);
  more.addEventListener("click", load);
  list.replaceChildren(el("p", { class: "state" }, "Loading…"));
  await load();
}
