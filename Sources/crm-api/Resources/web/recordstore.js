// The records a grid has loaded, in the order the server sent them, found by id. Whatever draws
// them (rows, groups, sums) reads `changes` to know when what it computed is stale.
export class RecordStore {
  constructor() {
    this.reset(null);
    this.changes = 0;
  }

  /** Empties the store for a new view or filter; `total` is the server's count, if it sent one. */
  reset(total) {
    this.records = [];
    this.index = new Map();
    this.total = total;
    this.touch();
  }

  get length() { return this.records.length; }

  /** The record at `position`, or undefined. */
  at(position) { return this.records[position]; }

  /** The record with this id, or undefined. */
  byId(id) {
    const position = this.index.get(id);
    return position === undefined ? undefined : this.records[position];
  }

  /** Where the record with this id is, or undefined. */
  positionOf(id) { return this.index.get(id); }

  /** A value shown changed without a record coming or going (an edit shown before it is saved). */
  touch() { this.changes = (this.changes || 0) + 1; }

  /** Adds records at the end; ones already here keep their place and their values. */
  append(records) {
    this.touch();
    for (const record of records) {
      if (this.index.has(record.id)) continue;
      this.index.set(record.id, this.records.length);
      this.records.push(record);
    }
  }

  /**
   * Puts the server's copy of a record in its place (at the end when it is new). The values of
   * `keep` stay as they are shown: edits not yet confirmed outlive a copy that predates them.
   */
  put(saved, keep = []) {
    const current = this.byId(saved.id);
    if (!current) { this.append([saved]); return; }
    this.touch();
    for (const key of keep) saved.fields[key] = current.fields[key];
    this.records[this.index.get(saved.id)] = saved;
  }

  /** Takes the record out; false when it was not here. */
  remove(id) {
    const position = this.index.get(id);
    if (position === undefined) return false;
    this.touch();
    this.records.splice(position, 1);
    this.index = new Map(this.records.map((record, at) => [record.id, at]));
    return true;
  }
}
