import { test } from "node:test";
import assert from "node:assert/strict";
import { dayHeading, groupEntries } from "../../Sources/crm-api/Resources/web/activity.js";

const audit = (id, fields) => ({ id: `audit:${id}`, type: "audit", at: "2026-12-04T10:00:00.000Z", user_id: 1, table: "investors",
  record_id: 7, action: "update", field: "stage", old: "intro", new: "meeting", ...fields });

test("the field rows of one save are one line, and other saves stay apart", () => {
  const lines = groupEntries([
    audit(3, { field: "stage" }), audit(2, { field: "location" }),
    audit(1, { at: "2026-12-04T09:00:00.000Z", field: "name" }),
    audit(0, { record_id: 8, action: "create", field: "name" }),
    { id: "backup:1", type: "backup", at: "2026-12-04T08:00:00.000Z", action: "backup_manual", new: { file: "a.sqlite" } },
  ]);
  assert.deepEqual(lines.map((line) => [line.record_id ?? null, line.action, line.changes.map((change) => change.field)]), [
    [7, "update", ["stage", "location"]],
    [7, "update", ["name"]],
    [8, "create", ["name"]],
    [null, "backup_manual", []],
  ]);
});

test("days are headed today, yesterday, then by date", () => {
  const now = new Date(2026, 11, 4, 9, 30);
  assert.equal(dayHeading(new Date(2026, 11, 4, 0, 5), now), "Today");
  assert.equal(dayHeading(new Date(2026, 11, 3, 23, 59), now), "Yesterday");
  assert.match(dayHeading(new Date(2026, 10, 30, 12), now), /2026/);
});
