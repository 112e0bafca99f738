"""Gmail capture end to end: the real crm-scheduler against the fake Google. Only mail with a known
contact or investor is kept, irrelevant bodies are never fetched, a message in two mailboxes is
stored once, the cursor survives a restart, and an expired history is recovered without losing or
doubling anything."""
import sqlite3
import time

from conftest import run, wait_until
from test_accounts import PASSWORD, Browser

ANN, BOB = "ann@fund.example", "bob@fund.example"


def mail(sender, to, subject, body="Hello", message_id=None, extra=""):
    message_id = message_id or f"<{time.time_ns()}@mail.example>"
    return (f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: {message_id}\r\n{extra}"
            f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n")


def rows(data_dir, sql, *args):
    with sqlite3.connect(data_dir / "crm.sqlite", timeout=5) as db:
        return db.execute(sql, args).fetchall()


def state(data_dir):
    return dict(rows(data_dir, "SELECT u.email, a.state FROM email_accounts a JOIN users u ON u.id = a.user_id"))


def set_up(start_stack, data_dir, google):
    env_extra = dict(GMAIL_API_BASE=google.base, CRM_GMAIL_SYNC_INTERVAL_S="3600", GMAIL_BACKOFF_BASE_S="0.05")
    stack = start_stack(**env_extra)
    assert run("crm-api", "create-admin", "--email", ANN, env=stack.env, input=PASSWORD + "\n").returncode == 0
    assert run("crm-scheduler", "set-service-account", env=stack.env,
               input=google.account.key_file(google.token_uri)).returncode == 0
    stack.wait_ready()
    api = Browser(stack)
    assert api.call("POST", "/api/auth/login", {"email": ANN, "password": PASSWORD})[0] == 200
    with sqlite3.connect(data_dir / "crm.sqlite") as db:
        db.execute("INSERT INTO users (email, name, role, active, password_hash) VALUES (?, 'Bob', 'member', 1, 'x')", (BOB,))
    status, alder, _ = api.call("POST", "/api/tables/investors/records",
                                {"fields": {"name": "Alder Family Office", "email_domains": ["alder.example"]}})
    assert status == 201, alder
    status, jane, _ = api.call("POST", "/api/tables/contacts/records",
                               {"fields": {"name": "Jane", "emails": ["jane@lp-personal.example"], "investor_id": alder["id"]}})
    assert status == 201, jane
    status, ghost, _ = api.call("POST", "/api/tables/contacts/records",
                                {"fields": {"name": "Ghost", "emails": ["ghost@elsewhere.example"]}})
    assert api.call("DELETE", f"/api/tables/contacts/records/{ghost['id']}")[0] == 204
    return stack, api, alder, jane


def sync_everyone(api, data_dir, stack):
    for user_id, in rows(data_dir, "SELECT id FROM users ORDER BY id"):
        api.call("PATCH", f"/api/email/accounts/{user_id}", {"sync_enabled": True})
        api.call("POST", f"/api/email/accounts/{user_id}/sync", {})


def synced(data_dir, since: float):
    """Both mailboxes had a good sync after `since` (seconds since 1970, UTC)."""
    done = rows(data_dir, "SELECT count(*) FROM email_accounts WHERE state = 'active' AND "
                          "strftime('%s', last_sync_at) >= ? AND sync_requested_at IS NULL", str(int(since)))
    return done[0][0] == 2


def test_backfill_keeps_only_relevant_mail_and_reads_only_its_bodies(start_stack, data_dir, google):
    stack, api, alder, jane = set_up(start_stack, data_dir, google)
    shared_id = "<q3-close@alder.example>"
    q3_text = "Can we meet on Thursday?\n\nOn Mon, Jane wrote:\n> old"
    kept = google.deliver(ANN, mail("Jane <jane@lp-personal.example>", ANN, "Q3 close", q3_text, message_id=shared_id))
    partner = google.deliver(ANN, mail("Piet <piet@alder.example>", ANN, "Side letter"))
    skipped = {
        "bulk": google.deliver(ANN, mail("news@alder.example", ANN, "Newsletter", extra="List-Id: <news.alder.example>\r\n")),
        "team_only": google.deliver(ANN, mail(BOB, ANN, "Lunch?")),
        "no_known_participant": google.deliver(ANN, mail("someone@gmail.com", ANN, "Hi")),
        "deleted_contact": google.deliver(ANN, mail("ghost@elsewhere.example", ANN, "Boo")),
        "blocked": google.deliver(ANN, mail("Jane <jane@lp-personal.example>", f"{ANN}, lawyer@firm.example", "Legal")),
        "old": google.deliver(ANN, mail("Jane <jane@lp-personal.example>", ANN, "Last year"), when=time.time() - 200 * 86400),
    }
    api.call("PATCH", "/api/settings", {"email_blocked": ["firm.example"]})
    # The same mail in Bob's mailbox, sent by him to Jane with Ann in copy (the mailboxes sync at
    # the same time, so either copy may be stored first).
    sent = google.deliver(BOB, mail(BOB, "jane@lp-personal.example", "Q3 close", q3_text, message_id=shared_id,
                                    extra=f"Cc: {ANN}\r\n"), labels=["SENT"])

    started = time.time() - 1
    sync_everyone(api, data_dir, stack)
    wait_until(lambda: synced(data_dir, started), 60, message="both mailboxes synced")

    messages = rows(data_dir, "SELECT rfc_message_id, subject, body_text FROM email_messages ORDER BY id")
    assert [m[1] for m in messages] == ["Q3 close", "Side letter"] or [m[1] for m in messages] == ["Side letter", "Q3 close"]
    q3 = next(m for m in messages if m[0] == shared_id)
    assert q3[2] == "Can we meet on Thursday?", "the quote is trimmed"
    directions = rows(data_dir, "SELECT u.email, p.direction FROM email_participations p JOIN users u ON u.id = p.user_id "
                                "JOIN email_messages m ON m.id = p.message_id WHERE m.rfc_message_id = ? ORDER BY u.email", shared_id)
    assert directions == [(ANN, "received"), (BOB, "sent")]
    links = rows(data_dir, "SELECT l.record_table, l.record_id FROM email_message_links l JOIN email_messages m "
                           "ON m.id = l.message_id WHERE m.rfc_message_id = ? ORDER BY 1", shared_id)
    assert links == [("contacts", jane["id"]), ("investors", alder["id"])]

    fetched = {message for _, message in google.body_fetches}
    assert fetched <= {kept, partner, sent}, "no body of a skipped message was ever read"
    assert not fetched & set(skipped.values())
    skips = dict(rows(data_dir, "SELECT reason, sum(count) FROM email_skips GROUP BY reason"))
    assert skips == {"bulk": 1, "team_only": 1, "no_known_participant": 2, "blocked": 1}, skips
    assert google.send_violations == []
    accounts = {a["email"]: a for a in api.call("GET", "/api/email/accounts")[1]["accounts"]}
    assert accounts[ANN]["kept"] == 2 and accounts[ANN]["fetched"] == 7 and accounts[ANN]["state"] == "active"
    assert accounts[ANN]["skipped"] == skips and accounts[BOB]["skipped"] == {}
    asked = len(google.requests)
    time.sleep(2)
    assert len(google.requests) == asked, "a synced mailbox is not asked again before its interval"

    # The tokens the sync used and the key it signed with are in no log and no database file.
    secrets = [*google.tokens, google.account.pem().splitlines()[3]]
    assert secrets[0]
    places = [stack.output().encode()] + [path.read_bytes() for path in data_dir.glob("crm.sqlite*")]
    assert not [secret for secret in secrets for place in places if secret.encode() in place]


def test_a_throttled_mailbox_waits_as_told_without_holding_up_the_other(start_stack, data_dir, google):
    stack, api, alder, jane = set_up(start_stack, data_dir, google)
    google.deliver(ANN, mail("jane@lp-personal.example", ANN, "For Ann"))
    google.deliver(BOB, mail("jane@lp-personal.example", BOB, "For Bob"))
    google.fail("messages", 429, {"error": {"code": 429, "message": "Too many concurrent requests for user",
                                            "errors": [{"reason": "rateLimitExceeded", "domain": "usageLimits"}],
                                            "status": "RESOURCE_EXHAUSTED"}},
                times=1, user=BOB, headers={"Retry-After": "12"})
    started = time.time() - 1
    sync_everyone(api, data_dir, stack)
    wait_until(lambda: state(data_dir) == {ANN: "active", BOB: "throttled"}, 30, message="ann synced, bob throttled")
    until = rows(data_dir, "SELECT throttled_until FROM email_accounts a JOIN users u ON u.id = a.user_id WHERE u.email = ?", BOB)
    assert until[0][0], "the wait is kept in the database, so a restart does not hammer Google"
    wait_until(lambda: synced(data_dir, started), 30, message="bob synced after the wait")
    assert sorted(s for s, in rows(data_dir, "SELECT subject FROM email_messages")) == ["For Ann", "For Bob"]


def test_failed_reads_are_retried_and_a_message_google_keeps_failing_on_waits_in_the_queue(start_stack, data_dir, google):
    stack, api, alder, jane = set_up(start_stack, data_dir, google)
    flaky = google.deliver(ANN, mail("jane@lp-personal.example", ANN, "Flaky"))
    slow = google.deliver(ANN, mail("jane@lp-personal.example", ANN, "Slow down"))
    broken = google.deliver(ANN, mail("jane@lp-personal.example", ANN, "Broken"))
    fine = google.deliver(ANN, mail("jane@lp-personal.example", ANN, "Fine"))
    backend_error = {"error": {"code": 500, "message": "Backend Error", "status": "INTERNAL",
                               "errors": [{"reason": "backendError", "domain": "global", "message": "Backend Error"}]}}
    google.fail(f"messages/{flaky}", 500, backend_error, times=2, user=ANN)
    google.fail(f"messages/{slow}", 429, {"error": {"code": 429, "message": "Too many concurrent requests for user",
                                                    "status": "RESOURCE_EXHAUSTED",
                                                    "errors": [{"reason": "rateLimitExceeded", "domain": "usageLimits"}]}},
                times=1, user=ANN, headers={"Retry-After": "1"})
    google.fail(f"messages/{broken}", 503, backend_error, times=100, user=ANN)
    started = time.time() - 1
    sync_everyone(api, data_dir, stack)
    wait_until(lambda: synced(data_dir, started), 60, message="both mailboxes synced despite the failures")
    subjects = sorted(s for s, in rows(data_dir, "SELECT subject FROM email_messages"))
    assert subjects == ["Fine", "Flaky", "Slow down"], "a 500 and a short 429 are retried within the sync"
    ann = next(a for a in api.call("GET", "/api/email/accounts")[1]["accounts"] if a["email"] == ANN)
    assert ann["state"] == "active" and ann["retrying"] == 1, ann
    assert rows(data_dir, "SELECT gmail_id, attempts FROM email_retries") == [(broken, 1)]

    google.failures.clear()
    started = time.time() - 1
    assert api.call("POST", f"/api/email/accounts/{ann['id']}/sync", {})[0] == 202
    wait_until(lambda: rows(data_dir, "SELECT count(*) FROM email_messages")[0][0] == 4, 30,
               message="sync now tried the queued message again")
    assert rows(data_dir, "SELECT count(*) FROM email_retries") == [(0,)]
    assert [f for f in google.body_fetches if f[1] == fine] == [(ANN, fine)], "each body read once"
    assert not google.quota_refusals, "the sync paced itself within Google's quota"


def test_new_mail_after_a_restart_and_after_history_expired_is_captured_once(start_stack, data_dir, google):
    stack, api, alder, jane = set_up(start_stack, data_dir, google)
    google.deliver(ANN, mail("jane@lp-personal.example", ANN, "First"))
    started = time.time() - 1
    sync_everyone(api, data_dir, stack)
    wait_until(lambda: synced(data_dir, started), 60, message="the backfill")
    cursor = rows(data_dir, "SELECT history_id FROM email_accounts a JOIN users u ON u.id = a.user_id WHERE u.email = ?", ANN)[0][0]
    assert cursor

    stack.stop()
    google.deliver(ANN, mail("jane@lp-personal.example", ANN, "While it was down"))
    stack = start_stack(GMAIL_API_BASE=google.base, CRM_GMAIL_SYNC_INTERVAL_S="3600").wait_ready()
    api = Browser(stack)
    assert api.call("POST", "/api/auth/login", {"email": ANN, "password": PASSWORD})[0] == 200
    started = time.time() - 1
    sync_everyone(api, data_dir, stack)
    wait_until(lambda: synced(data_dir, started), 60, message="the incremental sync")
    history_calls = [r for r in google.requests if "/history?" in r["path"]
                     and google.tokens[r["headers"]["Authorization"].removeprefix("Bearer ")]["sub"] == ANN]
    assert history_calls and f"startHistoryId={cursor}" in history_calls[0]["path"], "it went on from the stored cursor"
    google.deliver(ANN, mail("jane@lp-personal.example", ANN, "After expiry"))
    google.expire_history(ANN)
    started = time.time() - 1
    sync_everyone(api, data_dir, stack)
    wait_until(lambda: synced(data_dir, started), 60, message="the recovery")
    subjects = sorted(s for s, in rows(data_dir, "SELECT subject FROM email_messages WHERE deleted_at IS NULL"))
    assert subjects == ["After expiry", "First", "While it was down"], "nothing lost, nothing doubled"
    assert len(rows(data_dir, "SELECT * FROM email_participations")) == 3


def test_the_admin_pages_google_check_runs_in_crm_scheduler_and_says_what_to_fix(start_stack, data_dir, google):
    stack, api, alder, jane = set_up(start_stack, data_dir, google)
    assert api.call("GET", "/api/email/doctor")[1] == {"run": None}
    sync_everyone(api, data_dir, stack)
    google.delegated = {"https://www.googleapis.com/auth/gmail.readonly"}

    def finished():
        run = api.call("GET", "/api/email/doctor")[1]["run"]
        return run if run and run["state"] == "done" else None

    status, asked, _ = api.call("POST", "/api/email/doctor", {})
    assert status == 202 and asked["run"]["state"] in ("waiting", "running", "done")
    assert api.call("POST", "/api/email/doctor", {})[1]["run"]["id"] == asked["run"]["id"] or finished()
    run = wait_until(finished, 30, message="crm-scheduler ran the doctor")
    assert run["ok"] is False
    problems = [c["sentence"] for c in run["report"]["checks"] if not c["ok"]]
    assert problems and all(google.account.client_id in p for p in problems), problems
    assert any("gmail.compose" in p for p in problems), "the scope that is not delegated is named"
    assert any(c["subject"] == "gmail" and c["ok"] for c in run["report"]["checks"]), "reading still works"
    body = str(api.call("GET", "/api/email/doctor")[1])
    assert not [t for t in google.tokens if t in body], "no token in the report"

