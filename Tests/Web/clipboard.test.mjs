// Copy and paste without a page (clipboard.js): the text a block copies to, one value filling a
// block, and what a paste changes — read-only columns skipped, one bad value stopping it all.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { copyText, pasteChanges, pasteTexts } from "../../Sources/crm-api/Resources/web/clipboard.js";
import { parseTSV } from "../../Sources/crm-api/Resources/web/cells.js";
import { setRules } from "../../Sources/crm-api/Resources/web/rules.js";

setRules(JSON.parse(readFileSync(new URL("./fixtures/rules.json", import.meta.url), "utf8")));

const columns = [
  { field: { key: "name", label: "Name", type: "text", options: {} } },
  { field: { key: "ticket", label: "Ticket", type: "currency", options: { currency: "USD" } } },
  { field: { key: "score", label: "Score", type: "formula", result_type: "number", options: {} } },
  { field: { key: "notes", label: "Notes", type: "long_text", options: {} } },
];
const records = [
  { id: 11, fields: { name: "Acme, Inc.", ticket: 2500000, score: 3, notes: 'said "yes"\nthen waited' } },
  { id: 12, fields: { name: "Beta", ticket: null, score: 1, notes: "" } },
  { id: 13, fields: { name: "Gamma", ticket: 10, score: 0, notes: "tab\there" } },
];

test("a block copies as tab-separated text that reads back cell for cell", () => {
  const text = copyText(records, columns, [0, 2], 0, 3);
  assert.equal(text.split("\n")[0].split("\t")[0], "Acme, Inc.", "a comma needs no quotes");
  assert.deepEqual(parseTSV(text), [
    ["Acme, Inc.", "$2,500,000.00", "3", 'said "yes"\nthen waited'],
    ["Gamma", "$10.00", "0", "tab\there"],
  ]);
});

test("one value pasted over a selected block fills it; a block pastes as it is", () => {
  assert.deepEqual(pasteTexts([["x"]], { top: 0, bottom: 1, left: 0, right: 1 }), [["x", "x"], ["x", "x"]]);
  assert.deepEqual(pasteTexts([["x"]], { top: 1, bottom: 1, left: 2, right: 2 }), [["x"]]);
  assert.deepEqual(pasteTexts([["a", "b"]], { top: 0, bottom: 3, left: 0, right: 3 }), [["a", "b"]]);
});

test("a paste changes the records under it, skips read-only columns, and stops whole on a bad value", () => {
  assert.deepEqual(pasteChanges([["Delta", "$1,000", "99"], ["Eps", "", "98"]], [0, 2], records, columns, 0).changes, [
    { id: 11, fields: { name: "Delta", ticket: 1000 } },
    { id: 13, fields: { name: "Eps", ticket: null } },
  ], "the formula column is left alone; rows are the ones on screen");
  assert.deepEqual(pasteChanges([["a", "b", "c", "d", "e"]], [1], records, columns, 2).changes, [{ id: 12, fields: { notes: "b" } }],
    "cells past the last column are dropped");
  assert.deepEqual(pasteChanges([["Zed", "lots"]], [1], records, columns, 0),
    { problem: "Row 2: Ticket takes a number. Nothing was pasted." });
});
