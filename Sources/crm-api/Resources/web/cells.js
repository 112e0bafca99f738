// How each field type is shown in a cell, read from what the user typed, and edited.
import { el } from "./api.js";
import { rules } from "./rules.js";

/** The kind a field's values have; formula fields take their result type. */
export function kind(field) {
  if (field.type !== "formula") return field.type;
  return { number: "number", boolean: "checkbox", date: "date", datetime: "datetime", array: "multi_select" }[field.result_type] || "text";
}

/** Which operators a filter on the field takes, as the server decides: a formula's by its result. */
export function category(field) {
  const { types, formula_results: results } = rules();
  return (field.type === "formula" ? results[field.result_type] : types[field.type]?.category) || "text";
}

export function isNumeric(field) {
  return field.type === "formula" ? category(field) === "number" : rules().types[field.type]?.numeric === true;
}

/** Values the server computes (formulas, timestamps): never edited. */
export function isReadOnly(field) { return field.read_only === true || rules().types[field.type]?.read_only !== false; }

/** A select field's defined options (empty for free-text lists such as tags). */
export function choicesOf(field) { return (field.options && field.options.choices) || []; }

/** A select option as people read it, as the server names it (`soft_circle` → "Soft circle"). */
export function optionLabel(choice, field) {
  return field?.choice_labels?.[choice] ?? String(choice);
}

/** A defined option reads as its label; free text (tags, domains) stays as it was typed. */
function choiceLabel(value, field) {
  return choicesOf(field).includes(value) ? optionLabel(value, field) : String(value);
}

const numberFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 10 });

/** A field whose value is a team member's id (owner, last modified by), shown by their name. */
export function isUserField(field) {
  return field.type === "last_modified_by" || (field.type === "link" && field.options?.table === "users");
}

/** A moment as the page shows it ("7 Dec 2026, 12:40"), or "—" when there is none. */
export function when(date) {
  return date ? new Date(date).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }) : "—";
}

/** A file's size as people read it: "250 kB", "1.2 MB". */
export function bytes(count) {
  return count > 1e6 ? `${(count / 1e6).toFixed(1)} MB` : `${Math.max(1, Math.round(count / 1e3))} kB`;
}

/** The text a cell shows. */
export function display(value, field) {
  if (value === null || value === undefined || value === "") return "";
  if (typeof value === "string" && field.type === "formula" && ["#ERROR!", "NaN", "Infinity"].includes(value)) return value;
  switch (kind(field)) {
    case "currency": {
      const code = (field.options && field.options.currency) || "USD";
      try {
        return new Intl.NumberFormat(undefined, { style: "currency", currency: code, maximumFractionDigits: 2 }).format(value);
      } catch { return `${code} ${numberFormat.format(value)}`; }
    }
    case "percent": return `${numberFormat.format(value * 100)}%`;
    case "number": case "rating": return typeof value === "number" ? numberFormat.format(value) : String(value);
    case "checkbox": return value === true || value === 1 ? "✓" : "";
    case "single_select": return choiceLabel(value, field);
    case "multi_select": return Array.isArray(value) ? value.map((item) => choiceLabel(item, field)).join(", ") : String(value);
    case "datetime": {
      const date = new Date(value);
      return isNaN(date) ? String(value) : date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
    }
    case "link": return `#${value}`;
    default: return String(value);
  }
}

/** The most a rating field goes up to. */
export function ratingMax(field) { return Number(field.options?.max) || 5; }

/** A rating as stars (filled up to the value); `data-star` says which a click sets. */
export function stars(value, field) {
  const max = ratingMax(field), count = Number(value) || 0;
  return el("span", { class: "stars", role: "img", "aria-label": `${count} of ${max}` },
    Array.from({ length: max }, (_, index) => el("span", { class: index < count ? "star on" : "star", dataset: { star: index + 1 } },
      index < count ? "★" : "☆")));
}

/** What the user typed (or pasted) as the field's value; throws a sentence when it does not fit. */
export function parse(text, field) {
  const trimmed = String(text ?? "").trim();
  const type = kind(field);
  if (trimmed === "") return type === "checkbox" ? false : type === "multi_select" ? [] : null;
  switch (type) {
    case "number": case "currency": case "rating": {
      const number = Number(trimmed.replace(/[$€£¥,\s]/g, ""));
      if (!Number.isFinite(number)) throw new Error(`${field.label} takes a number.`);
      return number;
    }
    case "percent": {
      const number = Number(trimmed.replace(/[%\s,]/g, ""));
      if (!Number.isFinite(number)) throw new Error(`${field.label} takes a percentage.`);
      return number / 100;
    }
    case "checkbox": return ["true", "1", "yes", "checked", "✓", "x"].includes(trimmed.toLowerCase());
    case "multi_select": return trimmed.split(",").map((part) => part.trim()).filter(Boolean);
    case "datetime": {
      const date = new Date(trimmed);
      if (isNaN(date)) throw new Error(`${field.label} takes a date and time.`);
      return date.toISOString().replace(/\.\d{3}Z$/, "Z");
    }
    case "link": {
      const id = Number(trimmed.replace(/^#/, ""));
      if (!Number.isInteger(id) || id < 1) throw new Error(`${field.label} takes the number of a record.`);
      return id;
    }
    case "single_select": {
      const match = choicesOf(field).find((choice) => optionLabel(choice, field).toLowerCase() === trimmed.toLowerCase()
        || String(choice).toLowerCase() === trimmed.toLowerCase());
      return match ?? trimmed;
    }
    default: return trimmed;
  }
}

/** The text an editor starts with for a value. */
export function editText(value, field) {
  if (value === null || value === undefined) return "";
  switch (kind(field)) {
    case "percent": return String(value * 100);
    case "multi_select": return Array.isArray(value) ? value.join(", ") : String(value);
    case "datetime": {
      const date = new Date(value);
      if (isNaN(date)) return String(value);
      const local = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
      return local.toISOString().slice(0, 16);
    }
    default: return String(value);
  }
}

/** An input for the field, starting from `text`; `.read()` gives the parsed value. (Selects and
 * links have editors of their own.) */
export function editor(field, text) {
  const type = kind(field);
  let input;
  if (type === "long_text") {
    input = el("textarea", { class: "cell-editor", "aria-label": field.label, rows: 4 });
    input.value = text;
  } else {
    const inputType = type === "date" ? "date" : type === "datetime" ? "datetime-local" : "text";
    input = el("input", { class: "cell-editor", type: inputType, "aria-label": field.label, spellcheck: "false" });
    input.value = text;
  }
  input.read = () => parse(input.value, field);
  return input;
}

/** Rows of cells from tab-separated text; quoted cells may hold tabs, line breaks and "". */
export function parseTSV(text) {
  const rows = [];
  let row = [], cell = "", quoted = false;
  const source = String(text).replace(/\r\n?/g, "\n").replace(/\n$/, "");
  for (let index = 0; index < source.length; index += 1) {
    const char = source[index];
    if (quoted) {
      if (char === '"' && source[index + 1] === '"') { cell += '"'; index += 1; }
      else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"' && cell === "") quoted = true;
    else if (char === "\t") { row.push(cell); cell = ""; }
    else if (char === "\n") { row.push(cell); rows.push(row); row = []; cell = ""; }
    else cell += char;
  }
  if (source.length) { row.push(cell); rows.push(row); }
  return rows;
}
