// What the pop-up lists share: the link picker, the select editor and formula suggestions.

/** Puts a list that lives in the page (so the grid's rendering never cuts it off) below `anchor`. */
export function placeBelow(list, anchor) {
  const box = anchor.getBoundingClientRect();
  list.style.cssText = `left:${box.left + window.scrollX}px;top:${box.bottom + window.scrollY}px;min-width:${Math.max(box.width, 220)}px`;
}

/** The highlighted entry after ArrowDown or ArrowUp in a list of `count` entries, wrapping around. */
export function stepHighlight(index, count, key) {
  return (index + (key === "ArrowDown" ? 1 : -1) + count) % count;
}
