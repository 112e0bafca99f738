// What a grouped grid shows, alone: group headers where groups start, nested groups, collapsed
// groups hiding their records, counts and sums per group, footer sums, the nearest shown row.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

const { columnSums, groupRows, nearestShown, selectionOf } = await import("../../Sources/crm-api/Resources/web/gridlayout.js");
const { setRules } = await import("../../Sources/crm-api/Resources/web/rules.js");
setRules(JSON.parse(readFileSync(new URL("./fixtures/rules.json", import.meta.url), "utf8")));

const stage = { key: "stage", label: "Stage", type: "single_select", options: { choices: ["intro", "meeting"] } };
const region = { key: "region", label: "Region", type: "text", options: {} };
const records = [
  { id: 1, fields: { stage: "intro", region: "EU", amount: 10 } },
  { id: 2, fields: { stage: "intro", region: "EU", amount: 5 } },
  { id: 3, fields: { stage: "intro", region: "US", amount: "n/a" } },
  { id: 4, fields: { stage: "meeting", region: "US", amount: 7 } },
  { id: 5, fields: { region: "US" } },
];
const shape = (display) => display.map((entry) => (typeof entry === "number" ? entry : `${"  ".repeat(entry.level)}${entry.value}(${entry.count})`));

test("a header starts each group and each nested group, with counts and sums", () => {
  const { display, displayOf } = groupRows(records, [stage, region], ["amount"], new Set());
  assert.deepEqual(shape(display), ["intro(3)", "  EU(2)", 0, 1, "  US(1)", 2, "meeting(1)", "  US(1)", 3, "null(1)", "  US(1)", 4]);
  assert.equal(display[0].sums.get("amount"), 15, "text in a number field is not summed");
  assert.equal(displayOf.get(2), 5);
});

test("a collapsed group hides its records and the groups inside it, but still counts them", () => {
  const intro = groupRows(records, [stage, region], [], new Set()).display[0].path;
  const { display, displayOf } = groupRows(records, [stage, region], [], new Set([intro]));
  assert.deepEqual(shape(display), ["intro(3)", "meeting(1)", "  US(1)", 3, "null(1)", "  US(1)", 4]);
  assert.equal(display[0].collapsed, true);
  assert.equal(displayOf.has(0), false);
  assert.equal(nearestShown(1, 1, displayOf, records.length), 3, "moving down skips the hidden group");
  assert.equal(nearestShown(1, -1, displayOf, records.length), 3, "and looks the other way when nothing is before it");
  assert.equal(nearestShown(4, 1, displayOf, records.length), 4);
  assert.equal(nearestShown(1, 1, null, records.length), 1, "nothing is hidden in a view without groups");
});

test("footer sums count only finite numbers", () => {
  const sums = columnSums([...records, { id: 6, fields: { amount: Infinity } }], ["amount", "none"]);
  assert.deepEqual(sums.get("amount"), { sum: 22, filled: 3 });
  assert.deepEqual(sums.get("none"), { sum: 0, filled: 0 });
});

test("the selection runs from the anchor to the active cell in any direction", () => {
  assert.deepEqual(selectionOf({ row: 5, col: 3 }, { row: 2, col: 4 }), { top: 2, bottom: 5, left: 3, right: 4 });
});
