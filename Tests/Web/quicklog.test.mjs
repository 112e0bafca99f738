// The toolbar's quick-log, alone: a name the suggestions hold exactly (any case) is that investor;
// anything else asks for a new one, confirmed only when the user said so.
import assert from "node:assert/strict";
import { test } from "node:test";

const { quickLogBody } = await import("../../Sources/crm-api/Resources/web/quicklog.js");

const values = { kind: "call", when: "2026-12-07T10:30", name: " alder family office ", summary: "Q3" };
const suggestions = [{ id: 4, name: "Alder Family Office" }, { id: 5, name: "Alder Capital" }];

test("an exact name is the existing investor", () => {
  const body = quickLogBody(values, suggestions);
  assert.equal(body.investor_id, 4);
  assert.equal(body.new_investor, undefined);
  assert.equal(body.occurred_at, new Date("2026-12-07T10:30").toISOString());
});

test("another name asks for a new investor, confirmed only when the user said so", () => {
  const body = quickLogBody({ ...values, name: "Alder" }, suggestions);
  assert.equal(body.new_investor, "Alder");
  assert.equal(body.confirm_new, undefined);
  assert.equal(quickLogBody({ ...values, name: "Alder" }, suggestions, true).confirm_new, true);
});
