import { test } from "node:test";
import assert from "node:assert/strict";
import { stepHighlight } from "../../Sources/crm-api/Resources/web/listbox.js";

test("the arrow keys move the highlight and wrap at both ends", () => {
  assert.equal(stepHighlight(0, 3, "ArrowDown"), 1);
  assert.equal(stepHighlight(2, 3, "ArrowDown"), 0);
  assert.equal(stepHighlight(0, 3, "ArrowUp"), 2);
  assert.equal(stepHighlight(-1, 3, "ArrowDown"), 0, "from nothing highlighted, down is the first");
});
