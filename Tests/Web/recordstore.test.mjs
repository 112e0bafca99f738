// The grid's record store alone: order as the server sent it, found by id, a record's server
// copy put in place with the user's unconfirmed edits kept, records removed, and a change
// counter that moves whenever what is shown could have changed.
import assert from "node:assert/strict";
import { test } from "node:test";

const { RecordStore } = await import("../../Sources/crm-api/Resources/web/recordstore.js");

const record = (id, fields = {}, version = 1) => ({ id, version, fields: { name: `#${id}`, ...fields } });

test("records keep the server's order and are found by id", () => {
  const store = new RecordStore();
  store.reset(3);
  store.append([record(7), record(3)]);
  store.append([record(3, { name: "again" }), record(9)]);
  assert.deepEqual(store.records.map((shown) => shown.id), [7, 3, 9]);
  assert.equal(store.byId(3).fields.name, "#3", "a record already loaded keeps its values");
  assert.equal(store.positionOf(9), 2);
  assert.equal(store.at(0).id, 7);
  assert.equal(store.byId(4), undefined);
  assert.equal(store.total, 3);
  assert.equal(store.length, 3);
});

test("a server copy replaces the record in place, keeping edits not yet confirmed", () => {
  const store = new RecordStore();
  store.append([record(1), record(2, { name: "typed", stage: "intro" })]);
  store.put(record(2, { name: "server", stage: "meeting" }, 2), ["name"]);
  assert.deepEqual(store.records.map((shown) => shown.id), [1, 2]);
  assert.equal(store.byId(2).version, 2);
  assert.equal(store.byId(2).fields.name, "typed");
  assert.equal(store.byId(2).fields.stage, "meeting");
  store.put(record(5));
  assert.equal(store.at(2).id, 5, "a record not shown yet comes at the end");
});

test("removing a record closes the gap and finds the rest where they are now", () => {
  const store = new RecordStore();
  store.append([record(1), record(2), record(3)]);
  assert.equal(store.remove(2), true);
  assert.equal(store.remove(2), false);
  assert.equal(store.positionOf(3), 1);
  assert.equal(store.byId(3).id, 3);
});

test("every change moves the counter caches are keyed on; a new view starts empty", () => {
  const store = new RecordStore();
  const seen = [store.changes];
  store.append([record(1)]); seen.push(store.changes);
  store.put(record(1, {}, 2)); seen.push(store.changes);
  store.touch(); seen.push(store.changes);
  store.remove(1); seen.push(store.changes);
  store.reset(null); seen.push(store.changes);
  assert.equal(new Set(seen).size, seen.length);
  assert.equal(store.length, 0);
  assert.equal(store.byId(1), undefined);
});
