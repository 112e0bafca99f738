// The save path of the grid, readable and testable alone. Every edit is shown at once and kept
// as pending (pending.js) until the server confirms it; saves of one record go out one after
// another, and each of our own saves moves the record from one version to the next, so an edit
// begun before it still counts as based on what it saw. A conflict is handed to the page to
// show; a failure the server will not take back reverts the value; a network blip, a busy
// server or a lost session keeps the edit and sends it again.
import { api as callAPI, ApiError, explain, isTransient } from "./api.js";
import { display } from "./cells.js";
import { Pending } from "./pending.js";

export class SaveQueue {
  /**
   * `view` is what the page does for the queue:
   * - `record(id)`: the record it shows with that id, or undefined;
   * - `field(key)`: the table's field with that key, or undefined;
   * - `ready()`: false until the fields have loaded, once the page is gone, and while it shows
   *   archived records (which are not edited);
   * - `touch()`: a value shown changed; `render()`: draw it;
   * - `replace(saved)`: show the server's record (pending values kept); `show(record)`: show a
   *   record the page did not have;
   * - `flash(text)`, `notice(text)`: say something briefly, or until dismissed;
   * - `conflict(record, field, mine, current)`: someone else changed the record first.
   */
  constructor(table, view, { api = callAPI, retryDelay = 5000 } = {}) {
    this.table = table;
    this.view = view;
    this.api = api;
    this.retryDelay = retryDelay;
    this.queues = new Map();
    this.ownVersions = new Map();
    // "id:key" → saves of that cell queued or on their way, so a retry does not send one twice.
    this.unsent = new Map();
    this.undo = [];
    this.retryTimer = null;
  }

  /** Saves one cell: shown at once, kept as pending until the server confirms it. */
  save(record, field, value, { recordUndo = true, expectedVersion } = {}) {
    const base = expectedVersion ?? record.version;
    const old = record.fields[field.key];
    record.fields[field.key] = value;
    this.view.touch();
    Pending.add(this.table, record.id, field.key, value, base);
    this.view.render();
    const slot = `${record.id}:${field.key}`;
    this.unsent.set(slot, (this.unsent.get(slot) || 0) + 1);
    const previous = this.queues.get(record.id) || Promise.resolve();
    const next = previous.then(() => this.send(record.id, field, value, old, base, recordUndo))
      .finally(() => {
        const left = this.unsent.get(slot) - 1;
        if (left) this.unsent.set(slot, left); else this.unsent.delete(slot);
      });
    this.queues.set(record.id, next);
    return next;
  }

  /** The version an edit based on `base` expects now, after our own saves since. */
  expected(id, base) {
    const steps = this.ownVersions.get(id) || new Map();
    let version = base;
    while (steps.has(version)) version = steps.get(version);
    return version;
  }

  /** Whether a save of this cell is queued or on its way. */
  sending(id, key) { return this.unsent.has(`${id}:${key}`); }

  async send(id, field, value, old, base, recordUndo) {
    const expected = this.expected(id, base);
    const started = performance.now();
    try {
      const saved = await this.api("PATCH", `/api/tables/${this.table}/records/${id}`, { expected_version: expected, fields: { [field.key]: value } });
      performance.measure("crm:save", { start: started, end: performance.now() });
      if (!this.ownVersions.has(id)) this.ownVersions.set(id, new Map());
      this.ownVersions.get(id).set(expected, saved.version);
      Pending.remove(this.table, id, field.key);
      this.view.replace(saved);
      if (recordUndo) this.undo.push({ id, key: field.key, old, value });
      this.view.flash("");
    } catch (error) {
      const record = this.view.record(id);
      if (error instanceof ApiError && error.status === 409 && error.body.details?.current) {
        this.view.conflict(record, field, value, error.body.details.current);
      } else if (!isTransient(error)) {
        Pending.remove(this.table, id, field.key);
        if (record) record.fields[field.key] = old;
        this.view.touch();
        this.view.flash(explain(error));
      } else if (error instanceof ApiError && error.status === 401) {
        // The sign-in dialog is up; signing in sends every pending edit.
        this.view.flash("Signed out: the edit is kept and will be sent when you sign in again.");
      } else {
        this.view.flash(error instanceof ApiError
          ? `Not saved yet: ${error.message} The edit is kept and will be sent again.`
          : "Offline: the edit is kept and will be sent again.");
        if (!this.retryTimer) {
          this.retryTimer = setTimeout(() => { this.retryTimer = null; this.retryPending(); }, this.retryDelay);
        }
      }
    }
    this.view.render();
  }

  /** Sends again every pending edit of this table that is not already on its way. */
  retryPending({ fetchMissing = false } = {}) {
    // Not before the fields have loaded: an edit must not read as one of a deleted field.
    if (!this.view.ready()) return;
    for (const entry of Pending.forTable(this.table)) {
      const field = this.view.field(entry.key);
      if (!field) {
        Pending.remove(this.table, entry.id, entry.key);
        this.view.notice(`Not saved: your change to record #${entry.id} was to a field deleted since (“${entry.value ?? ""}”).`);
        continue;
      }
      const record = this.view.record(entry.id);
      if (!record && fetchMissing) this.bringBack(entry, field);
      if (!record || this.sending(entry.id, entry.key)) continue;
      this.save(record, field, entry.value, { recordUndo: false, expectedVersion: entry.expected_version });
    }
  }

  /**
   * A kept edit of a record the page does not show: the record is fetched and shown (as a new
   * record is) and the edit sent as usual, conflicts included. A record deleted since drops the
   * edit, saying so.
   */
  async bringBack(entry, field) {
    const slot = `${entry.id}:${entry.key}`;
    if (this.unsent.has(slot)) return;
    this.unsent.set(slot, 1);
    try {
      const record = await this.api("GET", `/api/tables/${this.table}/records/${entry.id}`);
      if (!this.view.ready()) return;
      if (!this.view.record(record.id)) this.view.show(record);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        Pending.remove(this.table, entry.id, entry.key);
        this.view.notice(`Not saved: record #${entry.id} was deleted before your change to ${field.label} `
          + `(“${display(entry.value, field) || "empty"}”) could be sent. Show deleted to bring it back.`);
      }
      return;
    } finally {
      this.unsent.delete(slot);
    }
    this.retryPending();
  }

  /** Takes back the user's own last edit (a paste is one step). */
  async undoLast() {
    const last = this.undo.pop();
    if (!last) { this.view.flash("Nothing to undo."); return; }
    if (last.batch) {
      await this.sendBatch(last.batch.map(({ id, before }) => ({ id, fields: before })), { recordUndo: false });
      return;
    }
    const record = this.view.record(last.id);
    const field = this.view.field(last.key);
    if (!record || !field) return;
    await this.save(record, field, last.old, { recordUndo: false });
  }

  /** Saves several records in one request: all or nothing; undone as one step. */
  async sendBatch(changes, { recordUndo = true } = {}) {
    const undo = [];
    const updates = [];
    for (const { id, fields } of changes) {
      const record = this.view.record(id);
      if (!record) continue;
      const before = {};
      this.view.touch();
      for (const [key, value] of Object.entries(fields)) {
        before[key] = record.fields[key] ?? null;
        record.fields[key] = value;
        Pending.add(this.table, id, key, value, record.version);
      }
      undo.push({ id, before });
      updates.push({ id, expected_version: this.expected(id, record.version), fields });
    }
    this.view.render();
    const settle = () => { for (const { id, fields } of updates) for (const key of Object.keys(fields)) Pending.remove(this.table, id, key); };
    try {
      const { records } = await this.api("PATCH", `/api/tables/${this.table}/records`, { updates });
      settle();
      for (const saved of records) this.view.replace(saved);
      if (recordUndo) this.undo.push({ batch: undo });
      this.view.flash(`Saved ${updates.length} record${updates.length === 1 ? "" : "s"}.`);
    } catch (error) {
      settle();
      for (const { id, before } of undo) {
        const record = this.view.record(id);
        if (record) Object.assign(record.fields, before);
        this.view.touch();
      }
      if (error instanceof ApiError && error.status === 409) {
        for (const current of error.body.details?.current || []) this.view.replace(current);
      }
      this.view.flash(error instanceof ApiError ? `${explain(error)} Nothing was changed.` : "Offline: nothing was pasted; try again.");
    }
    this.view.render();
  }
}
