// Select cells: options shown as coloured chips, and the editor for single and multiple select
// fields. The editor is a text box in the cell that filters the field's options in a list beside
// it; arrows and Enter (or the mouse) pick. A multiple select shows the chosen options as chips
// above the list (× or Backspace removes one) and stays open until Enter on an empty box, Tab,
// or a click elsewhere. Text that matches no option offers "Add option …" where the field may
// grow (custom fields with a list of options; free-text fields such as tags take any text).
import { el } from "./api.js";
import { choicesOf, kind, optionLabel } from "./cells.js";
import { placeBelow, stepHighlight } from "./listbox.js";

const SHOWN = 12;
const TONES = 10;

/** A chip for one value: coloured by the option's place in the list, grey for free text. */
export function chip(value, field, extra = null) {
  const index = choicesOf(field).indexOf(value);
  const label = index >= 0 ? optionLabel(value, field) : String(value);
  return el("span", { class: `chip tone-${index >= 0 ? index % TONES : "free"}` }, label, extra);
}

/** The chips a select cell shows, with a comma between them for screen readers and copying. */
export function chips(value, field) {
  const values = Array.isArray(value) ? value : value === null || value === undefined || value === "" ? [] : [value];
  return values.flatMap((item, index) => [index ? el("span", { class: "chip-separator" }, ", ") : null, chip(item, field)]).filter(Boolean);
}

/** Whether new options may be typed in: a custom field's list, or a free-text list. */
function growable(field) {
  return field.options?.free === true || (!field.is_core && Array.isArray(field.options?.choices));
}

/**
 * The select editor. `value` is the cell's value; `initial` the key typed to start editing, if
 * any; `addChoice(name)` adds an option to the field and resolves to the field as saved.
 * `.read()` gives the chosen value: one option (or null), or the list of options.
 */
export function selectEditor(field, value, initial, addChoice) {
  const multiple = kind(field) === "multi_select";
  const free = field.options?.free === true;
  let chosen = multiple ? (Array.isArray(value) ? [...value] : []) : value ?? null;
  const input = el("input", {
    class: "cell-editor select-editor", type: "text", "aria-label": field.label, spellcheck: "false", autocomplete: "off",
    role: "combobox", "aria-autocomplete": "list", "aria-expanded": "true",
  });
  input.value = initial ?? "";
  const popup = el("div", { class: "select-popup" });
  popup.id = `select-popup-${Math.random().toString(36).slice(2)}`;
  const list = el("ul", { class: "select-options", role: "listbox", id: `${popup.id}-list`, "aria-label": `Options for ${field.label}`, "aria-multiselectable": multiple ? "true" : null });
  input.setAttribute("aria-controls", list.id);
  let entries = [];
  let highlighted = -1;
  let busy = false;

  const isChosen = (option) => (multiple ? chosen.includes(option) : chosen === option);

  /** The options matching the typed text (those starting with it first), then "Add option". */
  const match = () => {
    const text = input.value.trim().toLowerCase();
    const options = choicesOf(field).filter((option) => !text
      || optionLabel(option, field).toLowerCase().includes(text) || String(option).toLowerCase().includes(text));
    const starts = (option) => optionLabel(option, field).toLowerCase().startsWith(text) || String(option).toLowerCase().startsWith(text);
    options.sort((a, b) => Number(starts(b)) - Number(starts(a)));
    const found = options.slice(0, SHOWN).map((option) => ({ option }));
    const typed = input.value.trim();
    const exact = choicesOf(field).some((option) => optionLabel(option, field).toLowerCase() === typed.toLowerCase()
      || String(option).toLowerCase() === typed.toLowerCase());
    if (typed && !exact && growable(field) && !(multiple && chosen.includes(typed))) found.push({ add: typed });
    return found;
  };

  const draw = () => {
    const shown = multiple ? chosen : chosen === null ? [] : [chosen];
    const selected = shown.length
      ? el("div", { class: "select-chosen", "aria-label": `Chosen for ${field.label}` }, shown.map((option) => chip(option, field,
        el("button", {
          type: "button", class: "chip-remove", tabindex: "-1", "aria-label": `Remove ${optionLabel(option, field)}`,
          onmousedown: (event) => { event.preventDefault(); remove(option); },
        }, "×"))))
      : null;
    list.replaceChildren(...entries.map((entry, index) => el("li", {
      id: `${popup.id}-${index}`, role: "option",
      class: [index === highlighted ? "highlighted" : "", entry.add ? "add-option" : ""].filter(Boolean).join(" ") || null,
      "aria-selected": entry.add ? "false" : String(isChosen(entry.option)),
      onmousedown: (event) => {
        // Before the box's blur commits the edit.
        event.preventDefault();
        highlighted = index;
        pick();
      },
    }, entry.add === undefined ? [isChosen(entry.option) ? "✓ " : "", chip(entry.option, field)]
      : free ? `Add “${entry.add}”` : `Add option “${entry.add}”`)));
    const none = entries.length ? null : el("p", { class: "none" }, input.value.trim() ? "No option matches."
      : free ? "Type a value and press Enter." : "This field has no options yet.");
    popup.replaceChildren(...[selected, list, none].filter(Boolean));
    if (highlighted >= 0) input.setAttribute("aria-activedescendant", `${popup.id}-${highlighted}`);
    else input.removeAttribute("aria-activedescendant");
    placeBelow(popup, input);
  };

  const refresh = ({ keepHighlight = false } = {}) => {
    entries = match();
    if (!keepHighlight) {
      const typed = input.value.trim() !== "";
      const current = multiple ? -1 : entries.findIndex((entry) => entry.option === chosen);
      highlighted = typed ? (entries.length ? 0 : -1) : current;
    }
    draw();
  };

  const remove = (option) => {
    chosen = multiple ? chosen.filter((item) => item !== option) : null;
    refresh({ keepHighlight: true });
  };

  /** Makes the highlighted entry the value; a single select then closes (by its Enter). */
  const pick = async () => {
    const entry = entries[highlighted];
    if (!entry || busy) return;
    let option = entry.option;
    if (entry.add !== undefined) {
      if (free) option = entry.add;
      else {
        busy = true;
        try {
          const saved = await addChoice(entry.add);
          field.options = saved.options;
          option = choicesOf(field).find((name) => name.toLowerCase() === entry.add.toLowerCase()) ?? entry.add;
        } catch (error) {
          popup.replaceChildren(el("p", { class: "none", role: "alert" }, error.message || "The option could not be added."));
          return;
        } finally {
          busy = false;
        }
      }
    }
    if (multiple) {
      chosen = chosen.includes(option) ? chosen.filter((item) => item !== option) : [...chosen, option];
      input.value = "";
      refresh();
      input.focus();
    } else {
      chosen = option;
      input.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    }
  };

  input.addEventListener("input", () => refresh());
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      event.stopPropagation();
      if (!entries.length) return;
      highlighted = stepHighlight(highlighted, entries.length, event.key);
      draw();
    } else if (event.key === "Enter" && event.isTrusted) {
      // Enter on an entry picks it (the grid closes a single select after); Enter on an empty
      // box with nothing highlighted lets the grid save and close.
      if (busy) { event.preventDefault(); event.stopPropagation(); return; }
      if (highlighted < 0 || !entries[highlighted]) return;
      if (!multiple && entries[highlighted].option === chosen && input.value.trim() === "") return;
      event.preventDefault();
      event.stopPropagation();
      pick();
    } else if (event.key === "Backspace" && multiple && input.value === "" && chosen.length) {
      event.preventDefault();
      event.stopPropagation();
      remove(chosen[chosen.length - 1]);
    }
  });
  input.addEventListener("focus", () => {
    if (!popup.isConnected) document.body.append(popup);
    refresh({ keepHighlight: entries.length > 0 });
  });
  input.detach = () => popup.remove();
  input.read = () => {
    if (busy) throw new Error("Adding the option… one moment.");
    return chosen;
  };
  return input;
}
