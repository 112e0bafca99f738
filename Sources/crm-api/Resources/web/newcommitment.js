// A new commitment cannot be without its investor and its fund, so "+ New record" on Commitments
// asks for them first (with the record pickers of the grid's link cells), and for the amount and
// status if known, then creates it in one request.
import { api, el, explain, showModal } from "./api.js";
import { choicesOf, optionLabel, parse } from "./cells.js";

export function newCommitmentDialog(grid, onCreated) {
  const field = (key) => grid.fields.find((candidate) => candidate.key === key);
  const links = ["investor_id", "fund_id"].map(field).filter(Boolean);
  const pickers = links.map((link) => {
    const picker = grid.linkEditorFor(link, { fields: {} });
    picker.classList.remove("cell-editor");
    picker.id = `new-${link.key}`;
    // Enter (or a click in the list) picks a record and moves on; it never sends the form half-filled.
    picker.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      try {
        const id = picker.pick();
        if (id) picker.form.elements[[...picker.form.elements].indexOf(picker) + 1]?.focus();
      } catch (error) { say(error.message); }
    });
    picker.addEventListener("blur", () => picker.detach());
    return picker;
  });
  const amountField = field("amount");
  const statusField = field("status");
  const amount = el("input", { id: "new-amount", type: "text", inputmode: "decimal", autocomplete: "off" });
  const status = el("select", { id: "new-status" }, choicesOf(statusField || {}).map((choice) => el("option", { value: choice }, optionLabel(choice, statusField))));
  const message = el("p", { class: "form-error", role: "alert", hidden: true });
  const say = (text) => { message.textContent = text; message.hidden = !text; };
  const row = (id, label, input) => el("div", { class: "field" }, el("label", { for: id }, label), input);
  let close = () => {};
  const form = el("form", {
    class: "dialog new-commitment", role: "dialog", "aria-modal": "true", "aria-labelledby": "new-commitment-title", novalidate: true,
    onsubmit: async (event) => {
      event.preventDefault();
      say("");
      const fields = {};
      try {
        links.forEach((link, index) => {
          let id;
          try { id = pickers[index].read(); } catch (error) { pickers[index].focus(); throw error; }
          if (!id) {
            pickers[index].focus();
            throw new Error(`Choose the ${link.label.toLowerCase()}.`);
          }
          fields[link.key] = id;
        });
        if (amountField) {
          const value = parse(amount.value, amountField);
          if (value !== null) fields.amount = value;
        }
        if (statusField) fields.status = status.value;
      } catch (error) {
        say(error.message);
        return;
      }
      try {
        const record = await api("POST", "/api/tables/commitments/records", { fields });
        finish();
        onCreated(record);
      } catch (error) { say(explain(error)); }
    },
  },
  el("h2", { id: "new-commitment-title" }, "New commitment"),
  links.map((link, index) => row(pickers[index].id, link.label, pickers[index])),
  amountField ? row("new-amount", amountField.label, amount) : null,
  statusField ? row("new-status", statusField.label, status) : null,
  message,
  el("div", { class: "actions" },
    el("button", { type: "button", onclick: () => finish() }, "Cancel"),
    el("button", { type: "submit", class: "primary" }, "Add commitment")));
  form.addEventListener("keydown", (event) => { if (event.key === "Escape") finish(); });
  const finish = () => {
    for (const picker of pickers) picker.detach();
    close();
    grid.grid.focus({ preventScroll: true });
  };
  close = showModal(el("div", { class: "backdrop" }, form));
  pickers[0]?.focus();
}
