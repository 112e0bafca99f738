// The grid's value rules, in Node (no browser needed): parsing what people type and paste,
// showing values, tab-separated clipboard text, and the field rules the server serves
// (fixtures/rules.json is the body of GET /api/rules; a Swift test keeps it current).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { category, display, editText, isNumeric, isReadOnly, kind, parse, parseTSV } from "../../Sources/crm-api/Resources/web/cells.js";
import { setRules } from "../../Sources/crm-api/Resources/web/rules.js";

setRules(JSON.parse(readFileSync(new URL("./fixtures/rules.json", import.meta.url), "utf8")));

const currency = { key: "amount", label: "Amount", type: "currency", options: { currency: "USD" } };
const percent = { key: "share", label: "Share", type: "percent", options: {} };
const tags = { key: "tags", label: "Tags", type: "multi_select", options: { free: true } };
const stage = { key: "stage", label: "Stage", type: "single_select", options: { choices: ["prospect", "soft_circle"] },
  choice_labels: { prospect: "Prospect", soft_circle: "Soft circle" } };
const formula = { key: "f", label: "F", type: "formula", result_type: "number", options: {} };

test("typed and pasted amounts read as numbers", () => {
  assert.equal(parse("$2,500,000.00", currency), 2500000);
  assert.equal(parse(" 12 ", { ...currency, type: "number" }), 12);
  assert.equal(parse("", currency), null);
  assert.throws(() => parse("lots", currency), /Amount takes a number/);
  assert.equal(parse("12.5%", percent), 0.125);
});

test("selects match their options whichever way they are written", () => {
  assert.equal(parse("Soft circle", stage), "soft_circle");
  assert.equal(parse("PROSPECT", stage), "prospect");
  assert.deepEqual(parse("LP, Family Office,", tags), ["LP", "Family Office"]);
  assert.deepEqual(parse("", tags), []);
});

test("values show as people read them", () => {
  assert.equal(display(2500000, currency), "$2,500,000.00");
  assert.equal(display(0.125, percent), "12.5%");
  assert.equal(display("soft_circle", stage), "Soft circle");
  assert.equal(display(["a", "b"], tags), "a, b");
  assert.equal(display(null, currency), "");
  assert.equal(display("NaN", formula), "NaN");
  assert.equal(kind(formula), "number");
  assert.equal(editText(0.125, percent), "12.5");
});

test("tab-separated text splits into rows and cells, quotes included", () => {
  assert.deepEqual(parseTSV("a\tb\nc\td\n"), [["a", "b"], ["c", "d"]]);
  assert.deepEqual(parseTSV('"line\none"\t"say ""hi"""\r\nx\t'), [["line\none", 'say "hi"'], ["x", ""]]);
  assert.deepEqual(parseTSV(""), []);
  assert.deepEqual(parseTSV("solo"), [["solo"]]);
});

test("free-form tags keep the case they were typed in", () => {
  assert.equal(display(["longshot", "LP"], tags), "longshot, LP");
  assert.equal(display(["prospect"], { ...tags, options: { choices: ["prospect"] }, choice_labels: { prospect: "Prospect" } }), "Prospect");
});

test("filters, edits and sums follow the server's rules for each kind of field", () => {
  const yesNo = { key: "ok", label: "OK", type: "formula", result_type: "boolean", options: {} };
  assert.equal(category(yesNo), "number", "a true/false formula is stored as 1/0 and filtered as a number");
  assert.equal(category({ type: "datetime" }), "datetime");
  assert.equal(category({ type: "rating" }), "number");
  assert.equal(category({ type: "last_modified_by" }), "link");
  assert.equal(category(formula), "number");
  assert.equal(isReadOnly(formula), true);
  assert.equal(isReadOnly({ type: "created_time" }), true);
  assert.equal(isReadOnly(currency), false);
  assert.equal(isNumeric(currency), true);
  assert.equal(isNumeric({ type: "rating" }), true);
  assert.equal(isNumeric(stage), false);
});
