import { test } from "node:test";
import assert from "node:assert/strict";

// localStorage as the browser has it: strings under keys, per origin.
const store = new Map();
globalThis.localStorage = {
  getItem: (key) => (store.has(key) ? store.get(key) : null),
  setItem: (key, value) => store.set(key, String(value)),
};
const { Pending } = await import("../../Sources/crm-api/Resources/web/pending.js");

test("a pending edit is kept for the user who typed it", () => {
  Pending.user = 1;
  Pending.add("investors", 7, "name", "Acme", 3);
  assert.deepEqual(Pending.forTable("investors").map((entry) => [entry.id, entry.value, entry.expected_version]), [[7, "Acme", 3]]);

  Pending.user = 2;
  assert.deepEqual(Pending.forTable("investors"), [], "someone else signed in on this browser does not send it");
  Pending.remove("investors", 7, "name");

  Pending.user = 1;
  assert.deepEqual(Pending.forTable("investors").map((entry) => entry.value), ["Acme"], "and cannot drop it either");
  Pending.add("investors", 7, "name", "Acme Capital", 4);
  assert.deepEqual(Pending.forTable("investors").map((entry) => entry.value), ["Acme Capital"], "a newer edit of the cell replaces it");
  Pending.remove("investors", 7, "name");
  assert.deepEqual(Pending.forTable("investors"), []);
});

test("edits kept before entries named their user are still sent", () => {
  store.set("crm.pending.v1", JSON.stringify([{ table: "funds", id: 2, key: "name", value: "Fund II", expected_version: 1 }]));
  Pending.user = 5;
  assert.deepEqual(Pending.forTable("funds").map((entry) => entry.value), ["Fund II"]);
});
