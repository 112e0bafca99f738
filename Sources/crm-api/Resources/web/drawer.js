// The record drawer: every field of one record, where its links point, and its field-level
// history (who, when, old → new) with a way to bring an older value back.
import { api, el } from "./api.js";
import { display, isReadOnly } from "./cells.js";
import { timelineSection } from "./timeline.js";

function ago(date) {
  const seconds = Math.round((Date.now() - new Date(date).getTime()) / 1000);
  if (seconds < 60) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? "" : "s"} ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} hour${hours === 1 ? "" : "s"} ago`;
  return new Date(date).toLocaleDateString();
}

export class Drawer {
  constructor(grid) {
    this.grid = grid;
    this.node = null;
  }

  close() {
    if (!this.node) return;
    this.node.remove();
    this.node = null;
    this.grid.grid.focus({ preventScroll: true });
  }

  async open(record) {
    this.close();
    const grid = this.grid;
    const title = record.fields.name || `Record #${record.id}`;
    const closeButton = el("button", { type: "button", class: "close", "aria-label": "Close", onclick: () => this.close() }, "×");
    const history = el("section", { class: "history", "aria-label": "History" }, el("p", { class: "state" }, "Loading history…"));
    const links = el("section", { class: "links", "aria-label": "Linked records" });
    const fields = el("dl", { class: "fields" },
      grid.fields.flatMap((field) => [
        el("dt", {}, field.label),
        el("dd", { class: record.errors?.[field.key] ? "error" : null, title: record.errors?.[field.key] || null },
          grid.cellText(record, field) || "—",
          record.errors?.[field.key] ? el("span", { class: "reason" }, ` (${record.errors[field.key]})`) : null),
      ]));
    this.node = el("aside", {
      class: "drawer", role: "dialog", "aria-modal": "false", "aria-label": `Record: ${title}`,
      onkeydown: (event) => { if (event.key === "Escape") { event.preventDefault(); this.close(); } },
    }, el("header", {}, el("h2", {}, title), closeButton), fields, links, timelineSection(grid, record), this.mailSection(record),
      el("h3", {}, "History"), history);
    document.body.append(this.node);
    closeButton.focus();
    this.loadLinks(record, links);
    this.loadHistory(record, history);
  }

  /** For admins, on investors and contacts: erase the record's captured mail, with an undo. */
  mailSection(record) {
    const table = this.grid.table;
    if (this.grid.me?.role !== "admin" || !["investors", "contacts"].includes(table)) return null;
    const say = el("p", { class: "hint", role: "status" });
    const key = table === "investors" ? "investor_id" : "contact_id";
    const erase = el("button", { type: "button", class: "danger erase-mail", onclick: async () => {
      if (!window.confirm("Erase every captured email of this record? Admins can undo it.")) return;
      try {
        const { erasure } = await api("POST", "/api/email/erasures", { [key]: record.id });
        const undo = el("button", { type: "button", class: "link undo-erase", onclick: async () => {
          try {
            await api("POST", `/api/email/erasures/${erasure.id}/restore`);
            say.replaceChildren("The captured mail is back.");
          } catch (error) { say.replaceChildren(error.message); }
        } }, "Undo");
        say.replaceChildren(`Erased ${erasure.messages} captured email${erasure.messages === 1 ? "" : "s"}. `, undo);
      } catch (error) { say.replaceChildren(error.message); }
    } }, "Erase captured mail…");
    return el("section", { class: "captured-mail", "aria-label": "Captured mail" }, el("h3", {}, "Captured mail"), erase, say);
  }

  async loadLinks(record, section) {
    const linkFields = this.grid.fields.filter((field) => record.fields[field.key] && ![null, "users"].includes(this.grid.linkTarget(field)));
    if (!linkFields.length) return;
    section.append(el("h3", {}, "Linked records"));
    for (const field of linkFields) {
      const table = this.grid.linkTarget(field);
      const id = record.fields[field.key];
      const item = el("p", { class: "link" }, `${field.label}: #${id}`);
      section.append(item);
      try {
        const linked = await api("GET", `/api/tables/${table}/records/${id}`);
        item.textContent = `${field.label}: ${linked.fields.name || `#${id}`}`;
      } catch { item.textContent = `${field.label}: #${id} (archived or gone)`; }
    }
  }

  async loadHistory(record, section) {
    const grid = this.grid;
    let entries;
    try {
      entries = (await api("GET", `/api/tables/${grid.table}/records/${record.id}/history?limit=100`)).history;
    } catch (error) {
      section.replaceChildren(el("p", { class: "state error", role: "alert" }, error.message));
      return;
    }
    const byKey = new Map(grid.fields.map((field) => [field.key, field]));
    section.replaceChildren(el("ol", { class: "entries" }, entries.map((entry) => {
      const who = grid.names.get(entry.changed_by) || "The CRM";
      const when = ago(entry.changed_at);
      const field = byKey.get(entry.field);
      if (!field) {
        const what = { create: "created the record", delete: "deleted the record", restore: "restored the record" }[entry.action] || entry.action;
        return el("li", {}, el("strong", {}, who), ` ${what} · ${when}`);
      }
      const old = display(entry.old, field) || "(empty)";
      const now = display(entry.new, field) || "(empty)";
      const restore = entry.action === "update" && !isReadOnly(field) && grid.recordById(record.id)
        ? el("button", { type: "button", class: "link restore-value", onclick: async () => {
          const current = grid.recordById(record.id);
          await grid.save(current, field, entry.old ?? null);
          this.open(grid.recordById(record.id));
        } }, `Restore “${old}”`) : null;
      return el("li", {}, el("strong", {}, who), ` · ${when} — ${field.label}: `,
        entry.action === "create" ? `“${now}” when the record was created` : `“${old}” → “${now}”`, " ", restore);
    })));
  }
}
