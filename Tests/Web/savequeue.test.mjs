// The grid's save path alone (savequeue.js), against a scripted server: order and versions per
// record, pending edits kept and sent again, conflicts handed to the page, failures reverted,
// undo, and all-or-nothing batches.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

const store = new Map();
globalThis.localStorage = {
  getItem: (key) => (store.has(key) ? store.get(key) : null),
  setItem: (key, value) => store.set(key, String(value)),
};
const { ApiError } = await import("../../Sources/crm-api/Resources/web/api.js");
const { Pending } = await import("../../Sources/crm-api/Resources/web/pending.js");
const { SaveQueue } = await import("../../Sources/crm-api/Resources/web/savequeue.js");
const { setRules } = await import("../../Sources/crm-api/Resources/web/rules.js");
setRules(JSON.parse(readFileSync(new URL("./fixtures/rules.json", import.meta.url), "utf8")));

const name = { key: "name", label: "Name", type: "text", options: {} };
const stage = { key: "stage", label: "Stage", type: "single_select", options: { choices: ["intro", "meeting"] },
  choice_labels: { intro: "Intro", meeting: "Meeting" } };

/** A page with some records, and a server whose answers the test scripts one request at a time. */
function setUp(records) {
  store.clear();
  Pending.user = 1;
  const shown = new Map(records.map((record) => [record.id, structuredClone(record)]));
  const said = { flash: [], notice: [], conflicts: [] };
  const requests = [];
  const api = (method, path, body) => new Promise((resolve, reject) => requests.push({ method, path, body, resolve, reject }));
  const view = {
    record: (id) => shown.get(id),
    field: (key) => [name, stage].find((field) => field.key === key),
    ready: () => true,
    touch: () => {},
    render: () => {},
    replace: (saved) => shown.set(saved.id, saved),
    show: (record) => shown.set(record.id, record),
    flash: (text) => said.flash.push(text),
    notice: (text) => said.notice.push(text),
    conflict: (record, field, mine, current) => said.conflicts.push({ id: record.id, key: field.key, mine, theirs: current.fields[field.key] }),
  };
  const queue = new SaveQueue("investors", view, { api, retryDelay: 60_000 });
  const next = async () => {
    for (let turn = 0; turn < 50 && !requests.length; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    assert.ok(requests.length, "a request was sent");
    return requests.shift();
  };
  return { queue, shown, said, requests, next };
}

const acme = { id: 1, version: 3, fields: { name: "Acme", stage: "intro" }, last_modified_by: 2 };

test("two quick edits of one record go out in order, the second expecting the version the first made", async () => {
  const { queue, shown, next, requests } = setUp([acme]);
  const first = queue.save(shown.get(1), name, "Acme Capital");
  const second = queue.save(shown.get(1), stage, "meeting");
  assert.equal(shown.get(1).fields.name, "Acme Capital", "shown at once");
  assert.equal(Pending.forTable("investors").length, 2, "and kept until confirmed");

  const one = await next();
  assert.equal(requests.length, 0, "the second waits for the first");
  assert.deepEqual(one.body, { expected_version: 3, fields: { name: "Acme Capital" } });
  one.resolve({ ...acme, version: 4, fields: { name: "Acme Capital", stage: "intro" } });
  await first;
  const two = await next();
  assert.deepEqual(two.body, { expected_version: 4, fields: { stage: "meeting" } }, "based on what it saw, moved by our own save");
  two.resolve({ ...acme, version: 5, fields: { name: "Acme Capital", stage: "meeting" } });
  await second;
  assert.deepEqual(Pending.forTable("investors"), [], "confirmed edits are no longer pending");
  assert.equal(shown.get(1).version, 5);
});

test("someone else's change first is a conflict the page shows; nothing is overwritten", async () => {
  const { queue, shown, said, next } = setUp([acme]);
  const saving = queue.save(shown.get(1), name, "Mine");
  const request = await next();
  request.reject(new ApiError(409, { error: "version_conflict", details: { current: { ...acme, version: 4, fields: { name: "Theirs" } } } }));
  await saving;
  assert.deepEqual(said.conflicts, [{ id: 1, key: "name", mine: "Mine", theirs: "Theirs" }]);
});

test("a refusal reverts the value and says why; a blip keeps the edit and sends it again", async () => {
  const { queue, shown, said, next } = setUp([acme]);
  const refused = queue.save(shown.get(1), name, "");
  (await next()).reject(new ApiError(422, { error: "invalid_fields", message: "Some values do not fit their fields.", details: { name: "Name is required." } }));
  await refused;
  assert.equal(shown.get(1).fields.name, "Acme", "back to what the server has");
  assert.deepEqual(Pending.forTable("investors"), []);
  assert.equal(said.flash.at(-1), "Some values do not fit their fields. Name is required.");

  const offline = queue.save(shown.get(1), name, "Acme Two");
  (await next()).reject(new TypeError("Failed to fetch"));
  await offline;
  assert.equal(shown.get(1).fields.name, "Acme Two", "still shown");
  assert.deepEqual(Pending.forTable("investors").map((entry) => entry.value), ["Acme Two"], "still kept");
  assert.match(said.flash.at(-1), /Offline: the edit is kept/);
  clearTimeout(queue.retryTimer);

  queue.retryPending();
  queue.retryPending();
  const again = await next();
  assert.deepEqual(again.body, { expected_version: 3, fields: { name: "Acme Two" } }, "sent again once, from the version it was based on");
  again.resolve({ ...acme, version: 4, fields: { name: "Acme Two", stage: "intro" } });
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(Pending.forTable("investors"), []);
});

test("an edit kept for a record the page does not show is fetched, shown and sent; a deleted one is dropped with a notice", async () => {
  const { queue, shown, said, next } = setUp([]);
  Pending.add("investors", 1, "name", "Acme Prime", 3);
  Pending.add("investors", 9, "stage", "meeting", 1);
  queue.retryPending({ fetchMissing: true });
  const fetches = [await next(), await next()];
  fetches.find((request) => request.path.endsWith("/9")).reject(new ApiError(404, { error: "not_found" }));
  fetches.find((request) => request.path.endsWith("/1")).resolve(structuredClone(acme));
  const patch = await next();
  assert.equal(shown.get(1).fields.name, "Acme Prime");
  assert.deepEqual(patch.body, { expected_version: 3, fields: { name: "Acme Prime" } });
  patch.resolve({ ...acme, version: 4, fields: { name: "Acme Prime", stage: "intro" } });
  await new Promise((resolve) => setImmediate(resolve));
  assert.match(said.notice.join(" "), /record #9 was deleted before your change to Stage \(“Meeting”\)/);
  assert.deepEqual(Pending.forTable("investors"), []);
});

test("undo takes back the user's own last edit, and a batch as one step; a failed batch changes nothing", async () => {
  const beta = { id: 2, version: 1, fields: { name: "Beta", stage: "intro" } };
  const { queue, shown, said, next } = setUp([acme, beta]);
  const saving = queue.save(shown.get(1), name, "Acme Capital");
  (await next()).resolve({ ...acme, version: 4, fields: { name: "Acme Capital", stage: "intro" } });
  await saving;
  const undoing = queue.undoLast();
  const back = await next();
  assert.deepEqual(back.body, { expected_version: 4, fields: { name: "Acme" } });
  back.resolve({ ...acme, version: 5, fields: { name: "Acme", stage: "intro" } });
  await undoing;

  const pasted = queue.sendBatch([{ id: 1, fields: { stage: "meeting" } }, { id: 2, fields: { stage: "meeting" } }]);
  const batch = await next();
  assert.deepEqual(batch.body.updates.map((update) => [update.id, update.expected_version]), [[1, 5], [2, 1]]);
  batch.reject(new ApiError(409, { error: "version_conflict", message: "Someone else changed a record of this change since you loaded them; nothing was saved.", details: { current: [{ ...beta, version: 2, fields: { name: "Beta", stage: "diligence" } }] } }));
  await pasted;
  assert.equal(shown.get(1).fields.stage, "intro", "all or nothing: put back");
  assert.equal(shown.get(2).fields.stage, "diligence", "and the other person's record as it is now");
  assert.match(said.flash.at(-1), /Nothing was changed/);
  assert.deepEqual(Pending.forTable("investors"), []);

  const again = queue.sendBatch([{ id: 1, fields: { stage: "meeting" } }]);
  (await next()).resolve({ records: [{ ...acme, version: 6, fields: { name: "Acme", stage: "meeting" } }] });
  await again;
  const undoBatch = queue.undoLast();
  const reverse = await next();
  assert.deepEqual(reverse.body, { updates: [{ id: 1, expected_version: 6, fields: { stage: "intro" } }] }, "undone as one step");
  reverse.resolve({ records: [{ ...acme, version: 7 }] });
  await undoBatch;
  await queue.undoLast();
  await queue.undoLast();
  assert.equal(said.flash.at(-1), "Nothing to undo.");
});
