// The link cell editor: type part of a name, pick the record from a list that searches as you
// type (arrows and Enter, or the mouse). `search(text)` gives [{id, name}]; the list lives in
// the page (not the cell) so the grid's own rendering never cuts it off.
import { el } from "./api.js";
import { placeBelow, stepHighlight } from "./listbox.js";

const SHOWN = 8;

export function linkEditor(field, current, search) {
  const input = el("input", {
    class: "cell-editor link-editor", type: "text", "aria-label": field.label, spellcheck: "false", autocomplete: "off",
    role: "combobox", "aria-autocomplete": "list", "aria-expanded": "false",
  });
  const list = el("ul", { class: "link-picker", role: "listbox", "aria-label": `Records for ${field.label}` });
  list.id = `link-picker-${Math.random().toString(36).slice(2)}`;
  input.setAttribute("aria-controls", list.id);
  input.value = current ? current.name : "";
  let results = [];
  let highlighted = -1;
  let asked = 0;

  const draw = () => {
    list.replaceChildren(...results.map((result, index) => el("li", {
      id: `${list.id}-${index}`, role: "option", class: index === highlighted ? "highlighted" : null, "aria-selected": index === highlighted ? "true" : "false",
      dataset: { id: result.id },
      onmousedown: (event) => {
        // Before the input's blur commits the edit: pick, then let the blur read the pick.
        event.preventDefault();
        highlighted = index;
        input.value = result.name;
        input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
      },
    }, result.name, el("span", { class: "link-id" }, ` #${result.id}`))));
    if (!results.length && input.value.trim()) list.append(el("li", { class: "none" }, "No record matches."));
    input.setAttribute("aria-expanded", results.length ? "true" : "false");
    if (highlighted >= 0) input.setAttribute("aria-activedescendant", `${list.id}-${highlighted}`);
    else input.removeAttribute("aria-activedescendant");
    placeBelow(list, input);
  };
  const ask = async () => {
    const text = input.value.trim();
    const ticket = ++asked;
    try {
      const found = await search(text);
      if (ticket !== asked) return;
      results = found.slice(0, SHOWN);
      highlighted = results.length ? 0 : -1;
      draw();
    } catch {
      // The list stays as it was; typing again asks again.
    }
  };
  let timer = 0;
  input.addEventListener("input", () => {
    // Until the new results arrive, Enter picks nothing rather than an older result.
    highlighted = -1;
    clearTimeout(timer);
    timer = setTimeout(ask, 120);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      event.stopPropagation();
      if (!results.length) return;
      highlighted = stepHighlight(highlighted, results.length, event.key);
      draw();
    }
  });
  input.addEventListener("focus", () => {
    document.body.append(list);
    ask();
  });
  input.detach = () => list.remove();

  /** The chosen record's id: the highlighted result, the record it started with, `#id`, or none. */
  input.read = () => {
    const text = input.value.trim();
    if (!text) return null;
    if (highlighted >= 0 && results[highlighted] && results[highlighted].name === input.value) return results[highlighted].id;
    if (current && text === current.name) return current.id;
    const number = /^#?(\d+)$/.exec(text);
    if (number) return Number(number[1]);
    if (highlighted >= 0 && results[highlighted]) return results[highlighted].id;
    throw new Error(`Pick one of the records listed for ${field.label}.`);
  };

  /** Reads the choice and shows its name in the box (in a form, where the box stays on screen). */
  input.pick = () => {
    const id = input.read();
    const chosen = results.find((result) => result.id === id);
    if (chosen) input.value = chosen.name;
    return id;
  };
  return input;
}
