// Adding and changing fields: name, type and options; formula fields with a live check against
// the server (the problem underlined at its span as the user types) and autocomplete of
// functions and field names.
import { api, el, explain } from "./api.js";
import { stepHighlight } from "./listbox.js";

const TYPES = [
  ["text", "Single line text"], ["long_text", "Long text"], ["number", "Number"], ["currency", "Currency"],
  ["percent", "Percent"], ["date", "Date"], ["datetime", "Date and time"], ["checkbox", "Checkbox"],
  ["single_select", "Single select"], ["multi_select", "Multiple select"], ["email", "Email"], ["url", "URL"],
  ["phone", "Phone"], ["rating", "Rating"], ["formula", "Formula"],
];
let functionList = null;

/** The formula functions, asked for once (a failed answer is asked again next time). */
function functions() {
  functionList ??= api("GET", "/api/formulas/functions").then((answer) => answer.functions, () => {
    functionList = null;
    return [];
  });
  return functionList;
}

/** The formula editor: a textarea, the check's verdict, and suggestions for the word being typed. */
export function formulaEditor(table, fields, { field = null, label = () => "", initial = "" } = {}) {
  const input = el("textarea", { class: "formula-input", rows: 3, spellcheck: "false", "aria-label": "Formula", "aria-describedby": "formula-verdict" });
  input.value = initial;
  const verdict = el("div", { class: "formula-verdict", id: "formula-verdict", role: "status", "aria-live": "polite" });
  const suggestions = el("ul", { class: "suggestions", role: "listbox", "aria-label": "Suggestions", hidden: true });
  let timer = 0, sequence = 0, asked = 0, choices = [], chosen = 0;

  const check = async () => {
    const mine = ++sequence;
    const formula = input.value;
    if (!formula.trim()) { verdict.replaceChildren(); return; }
    try {
      const result = await api("POST", `/api/tables/${table}/formulas/check`, { formula, field: field?.key, label: label() });
      if (mine !== sequence) return;
      verdict.className = "formula-verdict ok";
      verdict.replaceChildren(`Checks out. The result is ${result.result_type === "datetime" ? "a date and time" : `a ${result.result_type}`}.`);
    } catch (error) {
      if (mine !== sequence) return;
      verdict.className = "formula-verdict problem";
      const { start = 0, end = 0 } = error.body?.details || {};
      const before = formula.slice(0, start), at = formula.slice(start, Math.max(end, start + 1)), after = formula.slice(Math.max(end, start + 1));
      verdict.replaceChildren(el("p", { class: "message" }, error.message),
        el("pre", { class: "source" }, before, el("mark", {}, at || " "), after));
    }
  };

  const word = () => {
    const text = input.value.slice(0, input.selectionStart);
    const braced = /\{([^{}]*)$/.exec(text);
    if (braced) return { kind: "field", prefix: braced[1], start: input.selectionStart - braced[1].length - 1 };
    const bare = /([A-Za-z_][A-Za-z0-9_]*)$/.exec(text);
    if (bare) return { kind: "function", prefix: bare[1], start: input.selectionStart - bare[1].length };
    return null;
  };

  const suggest = async () => {
    const mine = ++asked;
    const current = word();
    let found = [];
    if (current && current.kind === "field") {
      found = fields.filter((f) => f.key !== field?.key && f.label.toLowerCase().includes(current.prefix.toLowerCase()))
        .slice(0, 8).map((f) => ({ text: `{${f.label}}`, hint: f.type.replaceAll("_", " "), start: current.start }));
    } else if (current && current.prefix.length >= 1) {
      found = (await functions()).filter((f) => f.name.startsWith(current.prefix.toUpperCase())).slice(0, 8)
        .map((f) => ({ text: `${f.name}(`, hint: f.signature, start: current.start }));
    }
    // A late list of functions answers a word the user has typed past.
    if (mine !== asked) return;
    choices = found;
    chosen = 0;
    suggestions.hidden = !choices.length;
    suggestions.replaceChildren(...choices.map((choice, index) => el("li", {
      role: "option", "aria-selected": index === chosen ? "true" : "false", class: index === chosen ? "chosen" : null,
      onmousedown: (event) => { event.preventDefault(); accept(index); },
    }, el("code", {}, choice.text), " ", el("span", { class: "hint" }, choice.hint))));
  };

  const accept = (index) => {
    const choice = choices[index];
    if (!choice) return;
    const end = input.selectionStart;
    input.value = input.value.slice(0, choice.start) + choice.text + input.value.slice(end);
    const caret = choice.start + choice.text.length;
    input.setSelectionRange(caret, caret);
    suggestions.hidden = true;
    choices = [];
    input.dispatchEvent(new Event("input"));
    input.focus();
  };

  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(check, 250);
    suggest();
  });
  input.addEventListener("keydown", (event) => {
    if (suggestions.hidden || !choices.length) return;
    if (event.key === "Tab" || (event.key === "Enter" && !event.shiftKey)) { event.preventDefault(); accept(chosen); }
    else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      chosen = stepHighlight(chosen, choices.length, event.key);
      [...suggestions.children].forEach((item, index) => {
        item.classList.toggle("chosen", index === chosen);
        item.setAttribute("aria-selected", index === chosen ? "true" : "false");
      });
    } else if (event.key === "Escape") { event.stopPropagation(); suggestions.hidden = true; }
  });
  if (initial) setTimeout(check, 0);
  return { node: el("div", { class: "formula-editor" }, input, suggestions, verdict), input };
}

/** The panel that adds a field, or changes one (`field`). Resolves with the saved field. */
export function fieldPanel(table, fields, me, { field = null, onSaved, onClose }) {
  const message = el("p", { class: "form-error", role: "alert", hidden: true });
  const label = el("input", { type: "text", class: "field-label", "aria-label": "Field name", value: field ? field.label : "" });
  // An admin may change a custom field's type (not to or from a formula): a preview shows first.
  const changeable = field && !field.is_core && field.type !== "formula" && TYPES.some(([value]) => value === field.type) && me.role === "admin";
  const type = el("select", { class: "field-type", "aria-label": "Field type", disabled: Boolean(field) && !changeable },
    TYPES.filter(([value]) => !changeable || value !== "formula")
      .map(([value, name]) => el("option", { value, selected: field ? field.type === value : value === "text" }, name)));
  const conversion = el("div", { class: "type-preview", role: "status", "aria-live": "polite" });
  const confirmLoss = el("input", { type: "checkbox", class: "confirm-loss" });
  let preview = null;
  const showValue = (value) => (value === null || value === undefined ? "(empty)" : Array.isArray(value) ? value.join(", ") : String(value));
  const previewChange = async () => {
    preview = null;
    confirmLoss.checked = false;
    if (!changeable || type.value === field.type) { conversion.replaceChildren(); return; }
    conversion.replaceChildren("Checking what converts…");
    try {
      const asked = type.value;
      const result = await api("POST", `/api/tables/${table}/fields/${field.key}/type-preview`, { type: asked });
      if (type.value !== asked) return;
      preview = result;
      const items = result.examples.map((example) => el("li", { class: example.problem ? "fails" : null },
        `${example.name || `#${example.id}`}: ${showValue(example.from)} → `,
        example.problem ? el("strong", {}, `cleared (${example.problem})`) : showValue(example.to)));
      conversion.replaceChildren(...[
        el("p", {}, `${result.converted} value${result.converted === 1 ? " converts" : "s convert"}, ${result.blank} record${result.blank === 1 ? " is" : "s are"} empty`
          + (result.failed ? `, ${result.failed} cannot convert.` : ".")),
        items.length ? el("ul", { class: "type-examples" }, items) : null,
        result.views.length ? el("p", { class: "form-error" }, `The view${result.views.length === 1 ? "" : "s"} ${result.views.join(", ")} filter on this field in a way ${type.selectedOptions[0].textContent} does not allow: change ${result.views.length === 1 ? "it" : "them"} first.`) : null,
        result.other_views ? el("p", { class: "form-error" }, `${result.other_views} personal view${result.other_views === 1 ? "" : "s"} of other people filter${result.other_views === 1 ? "s" : ""} on this field in a way ${type.selectedOptions[0].textContent} does not allow: ${result.other_views === 1 ? "its owner" : "their owners"} must change ${result.other_views === 1 ? "it" : "them"} first.`) : null,
        result.failed ? el("label", {}, confirmLoss, ` Clear the ${result.failed} value${result.failed === 1 ? "" : "s"} that cannot convert (each record's history keeps the old value)`) : null,
      ].filter(Boolean));
    } catch (error) {
      conversion.replaceChildren(el("p", { class: "form-error" }, explain(error)));
    }
  };
  const choices = el("input", { type: "text", class: "field-choices", "aria-label": "Options, separated by commas",
    placeholder: "Options, separated by commas", value: field?.options?.choices ? field.options.choices.join(", ") : "" });
  const currency = el("input", { type: "text", class: "field-currency", "aria-label": "Currency code", maxlength: 3,
    value: field?.options?.currency || "USD" });
  const formula = formulaEditor(table, fields, { field, label: () => label.value.trim(), initial: field?.formula || "" });
  const extras = el("div", { class: "field-extras" });
  const showExtras = () => {
    const chosen = type.value;
    extras.replaceChildren(...[
      chosen === "single_select" || chosen === "multi_select" ? choices : null,
      chosen === "currency" ? currency : null,
      chosen === "formula" ? formula.node : null,
    ].filter(Boolean));
  };
  type.addEventListener("change", () => { showExtras(); previewChange(); });
  showExtras();

  const save = async () => {
    message.hidden = true;
    const body = { label: label.value.trim() };
    const chosen = type.value;
    if (chosen === "single_select" || chosen === "multi_select") {
      body.options = { choices: choices.value.split(",").map((part) => part.trim()).filter(Boolean) };
    }
    if (chosen === "currency") body.options = { currency: currency.value.trim().toUpperCase() };
    if (chosen === "formula") body.formula = formula.input.value;
    if (field && changeable && chosen !== field.type) {
      if (!preview) { message.textContent = "Wait for the preview of what converts."; message.hidden = false; return; }
      if (preview.failed && !confirmLoss.checked) {
        message.textContent = `Tick the box to clear the ${preview.failed} value${preview.failed === 1 ? "" : "s"} that cannot convert, or keep the type.`;
        message.hidden = false;
        return;
      }
      body.type = chosen;
      if (preview.failed) body.confirm_loss = true;
      // A select without options typed takes the values' own (as the preview showed).
      if (body.options?.choices && !body.options.choices.length) delete body.options;
    }
    try {
      const saved = field
        ? await api("PATCH", `/api/tables/${table}/fields/${field.key}`, field.is_core ? { label: body.label } : body)
        : await api("POST", `/api/tables/${table}/fields`, { ...body, type: chosen });
      onSaved(saved);
    } catch (error) {
      message.textContent = explain(error);
      message.hidden = false;
    }
  };
  const remove = field && !field.is_core && me.role === "admin" ? el("button", { type: "button", class: "danger", onclick: async () => {
    try {
      await api("DELETE", `/api/tables/${table}/fields/${field.key}`);
      onSaved(null);
    } catch (error) {
      message.textContent = explain(error);
      message.hidden = false;
    }
  } }, "Delete field") : null;
  return el("div", { class: "panel field-panel", role: "dialog", "aria-label": field ? `Field ${field.label}` : "New field",
    onkeydown: (event) => { if (event.key === "Escape") onClose(); } },
    el("div", { class: "row" }, label, type),
    extras, conversion, message,
    el("div", { class: "row" },
      el("button", { type: "button", class: "primary save-field", onclick: save }, field ? "Save field" : "Add field"),
      el("button", { type: "button", onclick: onClose }, "Cancel"), remove));
}
