// The record drawer's Communications section: a quick-log form, and the timeline of logged
// communications and captured emails with the investor (and its contacts) or the contact,
// newest first. Text comes as the server allows it (the privacy level); nothing here renders HTML.
import { api, el, explain } from "./api.js";
import { when } from "./cells.js";

export const KINDS = { call: "Call", meeting: "Meeting", email: "Email", note: "Note", intro: "Intro" };

/** Logged communications and captured emails as one list, newest first. */
export function merge(communications, messages) {
  const logged = communications.map((c) => ({
    key: `c${c.id}`, at: c.occurred_at, kind: KINDS[c.kind] || c.kind, who: c.member_id, text: c.summary, source: c.source,
  }));
  const mail = messages.map((m) => ({
    key: `m${m.id}`, at: m.sent_at, kind: m.direction === "outbound" ? "Email sent" : "Email received",
    who: (m.members.find((p) => p.direction === "sent") || m.members[0] || {}).user_id ?? null,
    text: m.subject ?? "(subject not kept)", detail: m.snippet, source: "email", messageId: m.privacy === "full" ? m.id : null,
  }));
  return [...logged, ...mail].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : a.key < b.key ? 1 : -1));
}

/** The local date and time a datetime-local input shows for an instant. */
export function localInput(date) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/**
 * The two lists a timeline reads, for the record's `filter` (`investor_id=1`) and what is chosen:
 * `show` is "all", "email" (captured mail only) or a kind (that kind of logged communication
 * only); `member` a user id; `since` a local date (yyyy-mm-dd); `q` words. Null: not read.
 */
export function timelineQueries(filter, { show = "all", member = "", since = "", q = "" } = {}) {
  const common = [filter, "limit=50"];
  if (member) common.push(`member_id=${encodeURIComponent(member)}`);
  if (since) common.push(`since=${encodeURIComponent(new Date(`${since}T00:00`).toISOString())}`);
  const words = q.trim();
  const mail = show === "all" || show === "email"
    ? (words ? `/api/email/search?${common.join("&")}&q=${encodeURIComponent(words)}` : `/api/email/activity?${common.join("&")}`)
    : null;
  const logged = show === "email" ? null : `/api/communications?${[...common, ...(show === "all" ? [] : [`kind=${show}`])].join("&")}`;
  return { logged, mail };
}

export function timelineSection(grid, record) {
  const table = grid.table;
  if (!["investors", "contacts"].includes(table)) return null;
  const filter = table === "investors" ? `investor_id=${record.id}` : `contact_id=${record.id}`;
  const list = el("ol", { class: "timeline-entries" });
  const say = el("p", { class: "hint", role: "status" });
  const kind = el("select", { class: "log-kind", "aria-label": "Kind" },
    Object.entries(KINDS).map(([value, label]) => el("option", { value }, label)));
  const at = el("input", { type: "datetime-local", class: "log-when", "aria-label": "When", value: localInput(new Date()) });
  const summary = el("input", { type: "text", class: "log-summary", maxlength: 2000, "aria-label": "What it was about",
    placeholder: "What it was about" });
  const search = el("input", { type: "search", class: "timeline-search", "aria-label": "Search the mail and the log",
    placeholder: "Search the mail and the log", onchange: () => load() });
  /** An email's whole text, fetched when asked for; shown as text, never as HTML. */
  const expand = (entry) => el("button", { type: "button", class: "link show-text", onclick: async (event) => {
    const button = event.target;
    try {
      const { text } = await api("GET", `/api/email/messages/${entry.messageId}`);
      button.replaceWith(el("pre", { class: "full-text" }, text ?? "The privacy level keeps no text of this email."));
    } catch (error) { button.replaceWith(el("p", { class: "state error" }, explain(error))); }
  } }, "Show the whole email");
  const show = el("select", { class: "timeline-show", "aria-label": "Show", onchange: () => load() },
    el("option", { value: "all" }, "Everything"), el("option", { value: "email" }, "Captured emails"),
    Object.entries(KINDS).map(([value, label]) => el("option", { value }, `${label}s logged`)));
  const member = el("select", { class: "timeline-member", "aria-label": "Who on the team", onchange: () => load() },
    el("option", { value: "" }, "Anyone"), [...grid.names].map(([id, name]) => el("option", { value: id }, name)));
  const since = el("input", { type: "date", class: "timeline-since", "aria-label": "Since", onchange: () => load() });
  const more = el("button", { type: "button", class: "link timeline-more", hidden: true, onclick: () => load(true) }, "Show more");
  let loaded = { logged: [], mail: [], cursors: { logged: null, mail: null } };
  const draw = () => {
    const words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    const logged = loaded.logged.filter((c) => words.every((word) => c.summary.toLowerCase().includes(word)));
    const entries = merge(logged, loaded.mail);
    list.replaceChildren(...(entries.length ? entries.map((entry) => el("li", { class: `timeline-entry source-${entry.source}` },
      el("span", { class: "when" }, when(entry.at)), " ", el("strong", {}, entry.kind),
      entry.who ? ` · ${grid.names.get(entry.who) || "someone"}` : "", " — ", entry.text,
      entry.detail ? el("div", { class: "detail" }, entry.detail) : null, entry.messageId ? expand(entry) : null))
      : [el("li", { class: "state" }, words.length ? "Nothing found." : "Nothing logged or captured yet.")]));
    more.hidden = !loaded.cursors.logged && !loaded.cursors.mail;
  };
  /** Reads the first pages again, or (`further`) the next page of each list that has one. */
  const load = async (further = false) => {
    const urls = timelineQueries(filter, { show: show.value, member: member.value, since: since.value, q: search.value });
    if (!further) loaded = { logged: [], mail: [], cursors: { logged: null, mail: null } };
    const page = (key) => {
      const url = urls[key];
      if (!url || (further && !loaded.cursors[key])) return Promise.resolve(null);
      return api("GET", further ? `${url}&cursor=${encodeURIComponent(loaded.cursors[key])}` : url);
    };
    try {
      const [logged, mail] = await Promise.all([page("logged"), page("mail")]);
      if (logged) loaded.logged.push(...logged.communications);
      if (mail) loaded.mail.push(...mail.messages);
      loaded.cursors = { logged: logged ? logged.next_cursor : null, mail: mail ? mail.next_cursor : null };
      draw();
    } catch (error) { list.replaceChildren(el("li", { class: "state error" }, explain(error))); }
  };
  const form = el("form", { class: "quick-log", onsubmit: async (event) => {
    event.preventDefault();
    const body = { kind: kind.value, summary: summary.value, occurred_at: new Date(at.value).toISOString(),
      [table === "investors" ? "investor_id" : "contact_ids"]: table === "investors" ? record.id : [record.id] };
    try {
      await api("POST", "/api/communications", body);
      summary.value = "";
      say.replaceChildren(`${KINDS[body.kind]} logged.`);
      await load();
    } catch (error) { say.replaceChildren(explain(error)); }
  } }, kind, at, summary, el("button", { type: "submit", class: "log-submit" }, "Log"));
  load();
  return el("section", { class: "communications", "aria-label": "Communications" }, el("h3", {}, "Communications"), form, say,
    search, el("div", { class: "timeline-filters" }, show, member, since), list, more);
}
