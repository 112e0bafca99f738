// Admin pages: the team and invitations, mail capture (adminmail.js), backups (take, verify,
// preview a restore, restore with confirmation), the backup policy, the go-live security
// checklist and the daemons' status.
import { mailCaptureSection } from "./adminmail.js";
import { api, el, explain } from "./api.js";
import { bytes, when } from "./cells.js";

function section(title, ...children) {
  return el("section", { class: "admin-section", "aria-label": title }, el("h2", {}, title), ...children);
}

export async function adminPage(container) {
  const status = el("p", { class: "admin-status", role: "status" });
  const say = (text) => { status.textContent = text; };
  const team = el("div"), backups = el("div"), policy = el("div"), security = el("div"), settings = el("div"), daemons = el("div");
  const mail = el("div");
  container.replaceChildren(el("div", { class: "admin" }, el("h1", {}, "Admin"), status,
    section("Team and invitations", team), section("Settings", settings), section("Mail capture", mail), section("Backups", backups),
    section("Backup policy", policy), section("Security checklist", security), section("Daemons", daemons)));

  const loadSettings = async () => {
    const current = (await api("GET", "/api/settings")).settings;
    const inputs = {
      time_zone: el("input", { type: "text", class: "setting-time-zone", value: current.time_zone, "aria-label": "Team time zone" }),
      digest_enabled: el("input", { type: "checkbox", checked: current.digest_enabled, "aria-label": "Send the daily digest" }),
      digest_time: el("input", { type: "time", value: current.digest_time, "aria-label": "Digest time" }),
      digest_suppress_empty: el("input", { type: "checkbox", checked: current.digest_suppress_empty, "aria-label": "Skip empty digests" }),
    };
    settings.replaceChildren(
      el("div", { class: "row" }, "Team time zone (dates, TODAY() in formulas, the digest): ", inputs.time_zone),
      el("div", { class: "row" }, el("label", {}, inputs.digest_enabled, " daily digest to admins at "), inputs.digest_time,
        el("label", {}, inputs.digest_suppress_empty, " skip days with nothing to report"), " ",
        el("button", { type: "button", class: "save-settings", onclick: async () => {
          try {
            await api("PATCH", "/api/settings", {
              time_zone: inputs.time_zone.value.trim(), digest_enabled: inputs.digest_enabled.checked, digest_time: inputs.digest_time.value,
              digest_suppress_empty: inputs.digest_suppress_empty.checked,
            });
            say("Settings saved.");
          } catch (error) { say(explain(error)); }
        } }, "Save settings")));
  };

  const loadTeam = async () => {
    const [{ users }, { invites }] = await Promise.all([api("GET", "/api/admin/users"), api("GET", "/api/admin/invites")]);
    const email = el("input", { type: "email", class: "invite-email", "aria-label": "Email to invite", placeholder: "name@fund.com" });
    const role = el("select", { class: "invite-role", "aria-label": "Role" }, el("option", { value: "member" }, "Member"), el("option", { value: "admin" }, "Admin"));
    const mail = el("input", { type: "checkbox", checked: true, id: "invite-mail" });
    const link = el("p", { class: "invite-link" });
    team.replaceChildren(
      el("table", { class: "admin-table" },
        el("thead", {}, el("tr", {}, el("th", {}, "Name"), el("th", {}, "Email"), el("th", {}, "Role"), el("th", {}, "Active"))),
        el("tbody", {}, users.map((user) => el("tr", {},
          el("td", {}, user.name), el("td", {}, user.email),
          el("td", {}, el("select", { "aria-label": `Role of ${user.name}`, onchange: (event) => update(user, { role: event.target.value }) },
            ["member", "admin"].map((value) => el("option", { value, selected: user.role === value }, value)))),
          el("td", {}, el("input", { type: "checkbox", "aria-label": `${user.name} can sign in`, checked: user.active,
            onchange: (event) => update(user, { active: event.target.checked }) })))))),
      el("div", { class: "row" }, email, role, el("label", { for: "invite-mail" }, mail, " mail it"),
        el("button", { type: "button", class: "primary invite", onclick: async () => {
          try {
            const invite = await api("POST", "/api/admin/invites", { email: email.value.trim(), role: role.value, send_email: mail.checked });
            link.replaceChildren(invite.mailed ? `Invitation mailed to ${invite.email}. ` : `Share this link with ${invite.email} (shown once): `,
              el("code", { class: "invite-url" }, invite.url));
            await loadTeam();
            team.append(link);
          } catch (error) { say(error.message); }
        } }, "Invite")),
      el("h3", {}, "Invitations"),
      el("ul", { class: "invites" }, invites.map((invite) => el("li", {},
        `${invite.email} · ${invite.role} · ${invite.status} · expires ${when(invite.expires_at)} `,
        invite.status === "pending" ? el("button", { type: "button", class: "link", onclick: async () => {
          try { await api("DELETE", `/api/admin/invites/${invite.id}`); await loadTeam(); } catch (error) { say(error.message); }
        } }, "Revoke") : null))));
  };
  const update = async (user, change) => {
    try { await api("PATCH", `/api/admin/users/${user.id}`, change); say(`Saved ${user.name}.`); } catch (error) { say(error.message); }
    await loadTeam();
  };

  const follow = async (job, done) => {
    let current = job;
    while (current.status === "queued" || current.status === "running") {
      say(`${current.kind === "restore" ? "Restoring" : "Backing up"}… ${Math.round((current.progress || 0) * 100)}%`);
      await new Promise((resolve) => setTimeout(resolve, 500));
      current = await api("GET", `/api/fundraising/backup-jobs/${current.id}`);
    }
    say(current.status === "succeeded" ? (current.kind === "restore" ? "Restored. Everyone's grid reloads." : "Backup taken and verified.")
      : `It failed: ${current.error || "see the server log"}.`);
    await done();
  };

  const loadBackups = async () => {
    const { backups: list } = await api("GET", "/api/fundraising/backups");
    const preview = el("div", { class: "restore-preview" });
    backups.replaceChildren(
      el("button", { type: "button", class: "primary back-up-now", onclick: async () => {
        try { await follow(await api("POST", "/api/fundraising/backup"), loadBackups); } catch (error) { say(error.message); }
      } }, "Back up now"),
      list.length ? el("table", { class: "admin-table" },
        el("thead", {}, el("tr", {}, el("th", {}, "Taken"), el("th", {}, "Kind"), el("th", {}, "Size"), el("th", {}, "Verified"), el("th", {}, ""))),
        el("tbody", {}, list.map((backup) => el("tr", {},
          el("td", {}, when(backup.created_at)), el("td", {}, backup.kind), el("td", {}, bytes(backup.size_bytes)),
          el("td", {}, backup.verify_ok === false ? "failed" : backup.verified_at ? `yes, ${when(backup.verified_at)}` : "not yet"),
          el("td", {},
            el("button", { type: "button", class: "link", onclick: async () => {
              try {
                const result = await api("POST", `/api/fundraising/backups/${backup.id}/verify`);
                say(result.ok === false ? `Verification failed: ${result.problem || result.error || ""}` : "Verified: checksum, integrity and schema are right.");
                await loadBackups();
              } catch (error) { say(error.message); }
            } }, "Verify"),
            el("button", { type: "button", class: "link preview-restore", onclick: () => showPreview(backup, preview) }, "Restore…")))))) : el("p", { class: "hint" }, "No backups yet."),
      preview);
  };

  const showPreview = async (backup, target) => {
    try {
      const result = await api("POST", "/api/fundraising/restore-preview", { backup_id: backup.id });
      const confirm = el("input", { type: "checkbox", id: "confirm-restore" });
      const go = el("button", { type: "button", class: "danger restore", disabled: true, onclick: async () => {
        try { await follow(await api("POST", "/api/fundraising/restore", { backup_id: backup.id, confirm: true }), loadBackups); }
        catch (error) { say(error.message); }
      } }, "Restore this backup");
      confirm.addEventListener("change", () => { go.disabled = !confirm.checked; });
      target.replaceChildren(el("h3", {}, `Restoring the backup of ${when(backup.created_at)} would:`),
        el("ul", {}, result.tables.map((table) => el("li", {},
          `${table.table}: ${table.live_count} now, ${table.backup_count} in the backup`,
          table.disappearing ? ` — ${table.disappearing} would disappear (${table.disappearing_sample.map((r) => r.name).join(", ")})` : "",
          table.appearing ? ` — ${table.appearing} would come back (${table.appearing_sample.map((r) => r.name).join(", ")})` : ""))),
        el("p", { class: "hint" }, result.kept || "Accounts, mail and settings are kept. A safety backup of the current data is taken first."),
        el("label", { for: "confirm-restore" }, confirm, " I understand the current records are replaced"), " ", go);
    } catch (error) { say(error.message); }
  };

  const loadPolicy = async () => {
    const current = await api("GET", "/api/fundraising/backup-policy");
    const inputs = {
      enabled: el("input", { type: "checkbox", checked: current.enabled, "aria-label": "Nightly backups on" }),
      time_of_day: el("input", { type: "time", value: current.time_of_day, "aria-label": "Time of day" }),
      time_zone: el("input", { type: "text", value: current.time_zone, "aria-label": "Time zone" }),
      keep_last: el("input", { type: "number", min: 1, value: current.keep_last, "aria-label": "Keep the last" }),
      keep_daily_days: el("input", { type: "number", min: 0, value: current.keep_daily_days, "aria-label": "Daily for days" }),
      keep_weekly_weeks: el("input", { type: "number", min: 0, value: current.keep_weekly_weeks, "aria-label": "Weekly for weeks" }),
    };
    policy.replaceChildren(el("div", { class: "row" },
      el("label", {}, inputs.enabled, " nightly at "), inputs.time_of_day, inputs.time_zone,
      " keep the last ", inputs.keep_last, ", daily for ", inputs.keep_daily_days, " days, weekly for ", inputs.keep_weekly_weeks, " weeks ",
      el("button", { type: "button", onclick: async () => {
        try {
          await api("PATCH", "/api/fundraising/backup-policy", {
            enabled: inputs.enabled.checked, time_of_day: inputs.time_of_day.value, time_zone: inputs.time_zone.value.trim(),
            keep_last: Number(inputs.keep_last.value), keep_daily_days: Number(inputs.keep_daily_days.value),
            keep_weekly_weeks: Number(inputs.keep_weekly_weeks.value),
          });
          say("Backup policy saved.");
        } catch (error) { say(error.message); }
      } }, "Save policy")));
  };

  const loadSecurity = async () => {
    const report = await api("GET", "/api/security/status");
    security.replaceChildren(el("p", { class: `overall ${report.overall}` }, `Overall: ${report.overall}`),
      el("ul", { class: "checks" }, report.checks.map((check) => el("li", { class: check.status }, el("strong", {}, check.status.toUpperCase()), ` ${check.message}`))));
  };

  const stateWords = { running: "Running", silent: "Not answering", stopped: "Stopped", never_started: "Never started" };
  const loadDaemons = async () => {
    const report = await api("GET", "/api/admin/status");
    const figures = (daemon) => Object.entries(daemon.figures || {})
      .filter(([, value]) => value === null || typeof value !== "object")
      .map(([key, value]) => `${key.replaceAll("_", " ")}: ${value}`).join(", ");
    const queue = (name, counts) => {
      const parts = Object.entries(counts || {}).map(([key, count]) => `${count} ${key.replaceAll("_", " ")}`);
      return el("li", {}, el("strong", {}, name), ` ${parts.length ? parts.join(", ") : "empty"}`);
    };
    const backup = report.last_backup;
    daemons.replaceChildren(...[
      el("table", { class: "admin-table daemons" },
        el("thead", {}, el("tr", {}, ["Daemon", "State", "Last heartbeat", "Running since", "Version", "Figures"].map((h) => el("th", { scope: "col" }, h)))),
        el("tbody", {}, report.daemons.map((daemon) => el("tr", { class: `daemon-${daemon.state}`, "data-daemon": daemon.name },
          el("td", {}, daemon.name),
          el("td", { class: `daemon-state ${daemon.state}` }, stateWords[daemon.state] || daemon.state),
          el("td", {}, when(daemon.last_beat_at)), el("td", {}, when(daemon.started_at)),
          el("td", {}, daemon.version || "—"), el("td", { class: "figures" }, figures(daemon) || "—"))))),
      el("ul", { class: "checks queues" }, queue("Mail", report.queues.mail), queue("Backup jobs", report.queues.backup_jobs),
        queue("Formula recomputes", report.queues.formula_jobs)),
      el("p", {}, backup
        ? `Newest backup: ${backup.file_name}, ${when(backup.created_at)}, ${bytes(backup.size_bytes)}, ${backup.verify_ok === true ? "verified" : backup.verify_ok === false ? "FAILED verification" : "not verified yet"}.`
        : "No backup yet."),
      report.last_failed_backup_job_at ? el("p", { class: "state error" }, `A backup job failed at ${when(report.last_failed_backup_job_at)}.`) : null,
      ...(report.mailboxes || []).filter((mailbox) => mailbox.stalled).map((mailbox) => el("p", { class: "state error mailbox-stalled" },
        `Mail sync for ${mailbox.email} has not gone through ${mailbox.last_sync_at ? `since ${when(mailbox.last_sync_at)}` : "yet"}`,
        mailbox.last_error ? `: ${mailbox.last_error}` : ".")),
      el("button", { type: "button", class: "refresh-status", onclick: () => loadDaemons().catch((error) => say(error.message)) }, "Refresh"),
    ].filter(Boolean));
  };

  const loadMail = () => mailCaptureSection(mail, say);
  for (const [load, target] of [[loadTeam, team], [loadSettings, settings], [loadMail, mail], [loadBackups, backups], [loadPolicy, policy], [loadSecurity, security], [loadDaemons, daemons]]) {
    target.replaceChildren(el("p", { class: "hint" }, "Loading…"));
    load().catch((error) => target.replaceChildren(el("p", { class: "state error", role: "alert" }, error.message)));
  }
}
