// The grid's value rules, in Node (no browser needed): parsing what people type and paste,
// showing values, tab-separated clipboard text.
import assert from "node:assert/strict";
import { test } from "node:test";
import { display, editText, kind, parse, parseTSV } from "../../Sources/crm-api/Resources/web/cells.js";

const currency = { key: "amount", label: "Amount", type: "currency", options: { currency: "USD" } };
const percent = { key: "share", label: "Share", type: "percent", options: {} };
const tags = { key: "tags", label: "Tags", type: "multi_select", options: { free: true } };
const stage = { key: "stage", label: "Stage", type: "single_select", options: { choices: ["prospect", "soft_circle"] } };
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
  assert.equal(display(["prospect"], { ...tags, options: { choices: ["prospect"] } }), "Prospect");
});
