// The Admin page's mail capture section: whose mailboxes are read and how their sync goes, and
// what is never captured (the team's own domains, blocked addresses, bulk mail, the privacy level).
import { api, el, explain } from "./api.js";
import { when } from "./cells.js";

const STATES = {
  not_connected: "Not connected", backfilling: "Backfilling", active: "Active", throttled: "Throttled", failing: "Failing",
};
const REASONS = {
  draft: "drafts", spam_or_trash: "spam or trash", chat: "chat", bulk: "bulk or lists", automated_sender: "automated senders",
  too_many_recipients: "too many recipients", blocked: "blocked", team_only: "team only", no_known_participant: "no known contact",
  no_sender: "no sender", unreadable: "unreadable (Google kept failing)",
};
const LEVELS = { metadata: "who and when only", subject: "who, when and the subject", full: "subject and text (for the digest)" };

/** What a mailbox's state cell says: the state, and until when or why when there is more to say. */
export function stateText(account) {
  if (!account.sync_enabled) return "Off";
  const state = STATES[account.state] || account.state;
  if (account.state === "throttled" && account.throttled_until) return `${state} until ${when(account.throttled_until)}`;
  if (account.state === "failing" && account.last_error) return `${state}: ${account.last_error}`;
  const retrying = account.retrying ? `, ${account.retrying.toLocaleString()} to retry` : "";
  return (account.sync_requested_at && account.state !== "failing" ? `${state} (sync asked)` : state) + retrying;
}

/** What was skipped, most first: "12 no known contact, 3 bulk or lists". */
export function skippedText(skipped) {
  const entries = Object.entries(skipped || {}).filter(([, count]) => count > 0).sort((a, b) => b[1] - a[1]);
  return entries.length ? entries.map(([reason, count]) => `${count.toLocaleString()} ${REASONS[reason] || reason}`).join(", ") : "—";
}

/** One entry per line or comma, blanks dropped. */
export function entries(text) {
  return text.split(/[\n,]/).map((entry) => entry.trim()).filter(Boolean);
}

/** The doctor's checks as a list: ✓ or ✗, and the sentence (with the fix for a failure). */
export function doctorItems(run) {
  if (!run) return [];
  if (run.state !== "done") return [{ ok: null, text: "Checking… (crm-scheduler runs the check)" }];
  return (run.report?.checks || []).map((c) => ({ ok: c.ok, text: c.sentence }));
}

async function runDoctor(target, say) {
  const draw = (run) => target.replaceChildren(el("ul", { class: "doctor-checks" }, doctorItems(run).map((item) =>
    el("li", { class: item.ok === null ? "state" : item.ok ? "ok" : "state error" }, `${item.ok === null ? "…" : item.ok ? "✓" : "✗"} ${item.text}`))));
  try {
    let { run } = await api("POST", "/api/email/doctor");
    const started = Date.now();
    draw(run);
    while (run.state !== "done") {
      if (Date.now() - started > 90000) {
        target.replaceChildren(el("p", { class: "state error" }, "crm-scheduler did not answer: is it running? (Admin → Daemons)"));
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
      ({ run } = await api("GET", "/api/email/doctor"));
      draw(run);
    }
    say(run.ok ? "Google accepts the set-up." : "The Google set-up needs fixing: see the checks.");
  } catch (error) { say(explain(error)); }
}

export async function mailCaptureSection(target, say) {
  const load = async () => {
    const [{ accounts, team_domains: domains, service_account_saved: keySaved }, { settings }] = await Promise.all([
      api("GET", "/api/email/accounts"), api("GET", "/api/settings"),
    ]);
    const change = async (account, body, done) => {
      try {
        await api(body ? "PATCH" : "POST", `/api/email/accounts/${account.id}${body ? "" : "/sync"}`, body);
        say(done);
      } catch (error) { say(explain(error)); }
      await load();
    };
    const inputs = {
      gmail_sync_window_days: el("input", { type: "number", min: 1, max: 365, value: settings.gmail_sync_window_days,
        class: "setting-sync-window", "aria-label": "Days of mail to read when a mailbox is first synced" }),
      email_team_domains: el("input", { type: "text", class: "setting-team-domains", value: settings.email_team_domains.join(", "),
        placeholder: domains.join(", "), "aria-label": "The team's own mail domains" }),
      email_blocked: el("textarea", { class: "setting-blocked", rows: 3, "aria-label": "Addresses and domains never captured",
        placeholder: "lawyer@firm.example, family.example" }, settings.email_blocked.join("\n")),
      email_private: el("textarea", { class: "setting-private", rows: 2, "aria-label": "Addresses and domains kept as who and when only",
        placeholder: "partner@personal.example, family-office.example" }, settings.email_private.join("\n")),
      staleness_aging_days: el("input", { type: "number", min: 1, max: 3650, value: settings.staleness_aging_days,
        class: "setting-aging", "aria-label": "Days without contact before a relationship is aging" }),
      staleness_stale_days: el("input", { type: "number", min: 1, max: 3650, value: settings.staleness_stale_days,
        class: "setting-stale", "aria-label": "Days without contact before a relationship is stale" }),
      email_max_recipients: el("input", { type: "number", min: 2, max: 500, value: settings.email_max_recipients,
        "aria-label": "Most recipients a captured mail may have" }),
      email_privacy_level: el("select", { class: "setting-privacy", "aria-label": "How much of captured mail is kept" },
        Object.entries(LEVELS).map(([value, label]) => el("option", { value, selected: settings.email_privacy_level === value }, label))),
    };
    const report = el("div", { class: "doctor-report", "aria-live": "polite" });
    const check = el("button", { type: "button", class: "doctor", onclick: () => runDoctor(report, say) }, "Check Google set-up");
    target.replaceChildren(
      el("p", { class: keySaved ? "hint" : "state error" }, keySaved
        ? "A Google service account key is saved. Check that Google accepts it for every synced mailbox: "
        : "No Google service account key is saved yet: save one with crm-scheduler set-service-account (or the StartOS action). ",
      check),
      report,
      el("table", { class: "admin-table mailboxes" },
        el("thead", {}, el("tr", {}, ["Member", "Email", "Sync", "State", "Last good sync", "Fetched", "Kept", "Skipped", ""]
          .map((heading) => el("th", { scope: "col" }, heading)))),
        el("tbody", {}, accounts.map((account) => el("tr", { "data-account": account.email, class: `mailbox-${account.state}` },
          el("td", {}, account.name), el("td", {}, account.email),
          el("td", {}, el("input", { type: "checkbox", class: "mailbox-sync", checked: account.sync_enabled,
            "aria-label": `Read ${account.name}'s mail`,
            onchange: (event) => change(account, { sync_enabled: event.target.checked },
              event.target.checked ? `Mail sync is on for ${account.name}.` : `Mail sync is off for ${account.name}.`) })),
          el("td", { class: "mailbox-state" }, stateText(account)),
          el("td", {}, when(account.last_sync_at)),
          el("td", {}, account.fetched.toLocaleString()), el("td", {}, account.kept.toLocaleString()),
          el("td", { class: "mailbox-skipped" }, skippedText(account.skipped)),
          el("td", {}, account.sync_enabled ? el("button", { type: "button", class: "link sync-now",
            onclick: () => change(account, null, `Syncing ${account.name}'s mailbox.`) }, "Sync now") : null))))),
      el("div", { class: "row" }, "When a mailbox is first synced, read the last ", inputs.gmail_sync_window_days, " days."),
      el("div", { class: "row" }, "The team's own domains (mail among them only is never captured): ", inputs.email_team_domains),
      el("div", { class: "row" }, "Never capture mail with: ", inputs.email_blocked),
      el("div", { class: "row" }, "Keep only who and when of mail with: ", inputs.email_private),
      el("div", { class: "row" }, "A relationship is aging after ", inputs.staleness_aging_days, " days without contact, and stale after ",
        inputs.staleness_stale_days, " days."),
      el("div", { class: "row" }, "Skip mail to more than ", inputs.email_max_recipients, " recipients. Keep ", inputs.email_privacy_level, " ",
        el("button", { type: "button", class: "save-mail-settings", onclick: async () => {
          try {
            await api("PATCH", "/api/settings", {
              gmail_sync_window_days: Number(inputs.gmail_sync_window_days.value),
              email_team_domains: entries(inputs.email_team_domains.value),
              email_blocked: entries(inputs.email_blocked.value),
              email_private: entries(inputs.email_private.value),
              staleness_aging_days: Number(inputs.staleness_aging_days.value),
              staleness_stale_days: Number(inputs.staleness_stale_days.value),
              email_max_recipients: Number(inputs.email_max_recipients.value),
              email_privacy_level: inputs.email_privacy_level.value,
            });
            say("Mail capture settings saved.");
            await load();
          } catch (error) { say(explain(error)); }
        } }, "Save mail settings")));
  };
  await load();
}
