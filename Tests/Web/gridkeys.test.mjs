// The grid's keys alone: what each key asks for, where the active cell goes, and which keys are
// left to the browser.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

const { keyAction } = await import("../../Sources/crm-api/Resources/web/gridkeys.js");
const { setRules } = await import("../../Sources/crm-api/Resources/web/rules.js");
setRules(JSON.parse(readFileSync(new URL("./fixtures/rules.json", import.meta.url), "utf8")));

const text = { key: "name", label: "Name", type: "text", options: {} };
const box = { key: "done", label: "Done", type: "checkbox", options: {} };
const rating = { key: "fit", label: "Fit", type: "rating", options: { max: 5 } };
const state = (overrides = {}) => ({ rows: 100, cols: 6, active: { row: 10, col: 2 }, field: text, pageRows: 12, editing: null, ...overrides });
const key = (name, modifiers = {}) => ({ key: name, shiftKey: false, ctrlKey: false, metaKey: false, altKey: false, ...modifiers });

test("arrows, Tab, Page and Home/End move the active cell; Shift extends the selection", () => {
  assert.deepEqual(keyAction(key("ArrowDown"), state()), { action: "activate", row: 11, col: 2, extend: false });
  assert.deepEqual(keyAction(key("ArrowLeft", { shiftKey: true }), state()), { action: "activate", row: 10, col: 1, extend: true });
  assert.deepEqual(keyAction(key("Tab", { shiftKey: true }), state()), { action: "activate", row: 10, col: 1, extend: false });
  assert.deepEqual(keyAction(key("PageDown"), state()), { action: "activate", row: 20, col: 2, extend: false });
  assert.deepEqual(keyAction(key("PageUp"), state({ pageRows: 1 })), { action: "activate", row: 9, col: 2, extend: false });
  assert.deepEqual(keyAction(key("End"), state()), { action: "activate", row: 10, col: 5, extend: false });
  assert.deepEqual(keyAction(key("Home", { ctrlKey: true }), state()), { action: "activate", row: 0, col: 0, extend: false });
});

test("Ctrl or Cmd with an arrow jumps to the edge, Shift keeping the anchor", () => {
  assert.deepEqual(keyAction(key("ArrowDown", { metaKey: true }), state()), { action: "activate", row: 99, col: 2, extend: false });
  assert.deepEqual(keyAction(key("ArrowRight", { ctrlKey: true, shiftKey: true }), state()), { action: "activate", row: 10, col: 5, extend: true });
});

test("typing starts an edit with the character; Enter and F2 open the editor", () => {
  assert.deepEqual(keyAction(key("a"), state()), { action: "edit", initial: "a" });
  assert.deepEqual(keyAction(key("Enter"), state()), { action: "edit" });
  assert.deepEqual(keyAction(key("F2"), state()), { action: "edit" });
  assert.equal(keyAction(key("a", { ctrlKey: true }), state()), null, "Ctrl+A is the browser's");
  assert.equal(keyAction(key("c", { metaKey: true }), state()), null, "copy is a clipboard event, not a key");
  assert.equal(keyAction(key("ø", { altKey: true }), state()), null);
});

test("field-specific keys: Space flips a checkbox, digits rate, Shift+Space expands", () => {
  assert.deepEqual(keyAction(key(" "), state({ field: box })), { action: "toggle" });
  assert.deepEqual(keyAction(key(" "), state()), { action: "edit", initial: " " });
  assert.deepEqual(keyAction(key("4"), state({ field: rating })), { action: "rate", count: 4 });
  assert.deepEqual(keyAction(key("4"), state()), { action: "edit", initial: "4" });
  assert.deepEqual(keyAction(key(" ", { shiftKey: true }), state({ field: box })), { action: "expand" });
  assert.deepEqual(keyAction(key("Delete"), state()), { action: "clear" });
  assert.deepEqual(keyAction(key("Backspace"), state()), { action: "clear" });
  assert.deepEqual(keyAction(key("Z", { ctrlKey: true }), state()), { action: "undo" });
});

test("while editing, only Escape, Enter and Tab are the grid's; Enter in a long text is a new line", () => {
  const editing = state({ editing: { multiline: false } });
  assert.deepEqual(keyAction(key("Escape"), editing), { action: "cancel" });
  assert.deepEqual(keyAction(key("Enter"), editing), { action: "commit", move: [1, 0] });
  assert.deepEqual(keyAction(key("Tab", { shiftKey: true }), editing), { action: "commit", move: [0, -1] });
  assert.equal(keyAction(key("ArrowDown"), editing), null);
  assert.equal(keyAction(key("Enter", { shiftKey: true }), editing), null);
  assert.equal(keyAction(key("Enter"), state({ editing: { multiline: true } })), null);
});

test("an empty grid takes no keys", () => {
  assert.equal(keyAction(key("ArrowDown"), state({ rows: 0 })), null);
  assert.equal(keyAction(key("a"), state({ rows: 0 })), null);
});
