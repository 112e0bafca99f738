// "Log a communication" from the grid's toolbar: the kind, when, the investor by name and what it
// was about. A name that is not an investor yet creates one, but only after the likely existing
// ones (the server's candidates) were offered and the user said it is new.
import { api, el, explain, showModal } from "./api.js";
import { KINDS, localInput } from "./timeline.js";

/** The request for what the dialog holds: an investor chosen from the suggestions by its exact
 * name (any case), else a new one by that name. */
export function quickLogBody({ kind, when, name, summary }, suggestions, confirmNew = false) {
  const typed = name.trim();
  const known = suggestions.filter((s) => s.name.toLowerCase() === typed.toLowerCase());
  const body = { kind, summary, occurred_at: new Date(when).toISOString() };
  if (known.length === 1) body.investor_id = known[0].id;
  else body.new_investor = typed;
  if (confirmNew) body.confirm_new = true;
  return body;
}

export function quickLogDialog(grid, done) {
  const kind = el("select", { id: "quick-kind" }, Object.entries(KINDS).map(([value, label]) => el("option", { value }, label)));
  const when = el("input", { id: "quick-when", type: "datetime-local", value: localInput(new Date()) });
  const list = el("datalist", { id: "quick-investors" });
  let suggestions = [];
  const name = el("input", { id: "quick-investor", type: "text", list: "quick-investors", autocomplete: "off", oninput: async () => {
    const text = name.value.trim();
    if (text.length < 2) return;
    try {
      const { records } = await api("GET", `/api/tables/investors/records?limit=8&search=${encodeURIComponent(text)}`);
      suggestions = records.map((record) => ({ id: record.id, name: record.fields.name }));
      list.replaceChildren(...suggestions.map((s) => el("option", { value: s.name })));
    } catch { /* suggestions are a help; the server still checks */ }
  } });
  const summary = el("input", { id: "quick-summary", type: "text", maxlength: 2000 });
  const message = el("div", { class: "form-error", role: "alert", hidden: true });
  const say = (...content) => { message.replaceChildren(...content); message.hidden = !content.length; };
  const row = (id, label, input) => el("div", { class: "field" }, el("label", { for: id }, label), input);
  const values = () => ({ kind: kind.value, when: when.value, name: name.value, summary: summary.value });
  let close = () => {};
  const finish = (text) => {
    close();
    grid.grid.focus({ preventScroll: true });
    if (text) done(text);
  };
  const send = async (body) => {
    try {
      const { communication } = await api("POST", "/api/communications", body);
      finish(`${KINDS[communication.kind]} logged.`);
    } catch (error) {
      const candidates = error.body?.details?.candidates;
      if (error.body?.error !== "possible_duplicate" || !candidates) { say(explain(error)); return; }
      say("Is it one of these? ",
        ...candidates.filter((c) => c.table === "investors").map((c) => el("button", { type: "button", class: "link use-candidate",
          onclick: () => send({ ...body, new_investor: undefined, confirm_new: undefined, investor_id: c.id }) }, c.name)),
        el("button", { type: "button", class: "link confirm-new", onclick: () => send(quickLogBody(values(), suggestions, true)) },
          `No, “${name.value.trim()}” is new`));
    }
  };
  const form = el("form", {
    class: "dialog quick-log-dialog", role: "dialog", "aria-modal": "true", "aria-labelledby": "quick-log-title", novalidate: true,
    onsubmit: (event) => {
      event.preventDefault();
      say();
      if (!name.value.trim()) { say("Name the investor."); name.focus(); return; }
      send(quickLogBody(values(), suggestions));
    },
  },
  el("h2", { id: "quick-log-title" }, "Log a communication"),
  row("quick-kind", "Kind", kind), row("quick-when", "When", when), row("quick-investor", "Investor", name), list,
  row("quick-summary", "What it was about", summary), message,
  el("div", { class: "actions" },
    el("button", { type: "button", onclick: () => finish() }, "Cancel"),
    el("button", { type: "submit", class: "primary" }, "Log")));
  form.addEventListener("keydown", (event) => { if (event.key === "Escape") finish(); });
  close = showModal(el("div", { class: "backdrop" }, form));
  name.focus();
}
