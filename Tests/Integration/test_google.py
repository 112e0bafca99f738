"""Google set-up against a fake Google as strict as the real one: the service account key is
checked before it is saved, and google-doctor turns every way delegation can fail into a sentence
with the fix, without ever showing the key or a token."""
import json
import re
import sqlite3

from conftest import base_env, run


def save_key(env: dict, key: str):
    saved = run("crm-scheduler", "set-service-account", env=env, input=key)
    assert saved.returncode == 0, saved.stderr
    return saved


def doctor(env: dict, *mailboxes: str):
    args = [arg for mailbox in mailboxes for arg in ("--mailbox", mailbox)]
    result = run("crm-scheduler", "google-doctor", "--json", *args, env=env)
    return result.returncode, json.loads(result.stdout) if result.stdout.strip() else None, result


def failures(report) -> list[str]:
    return [check["sentence"] for check in report["checks"] if not check["ok"]]


def test_a_saved_key_lets_the_doctor_sign_in_to_each_mailbox_and_reach_gmail(data_dir, google):
    env = base_env(data_dir, GMAIL_API_BASE=google.base)
    saved = save_key(env, google.account.key_file(google.token_uri))
    assert google.account.client_id in saved.stdout, "set-up says which client ID to delegate"
    assert "https://www.googleapis.com/auth/gmail.readonly" in saved.stdout

    status, report, result = doctor(env, "ann@fund.example", "bob@fund.example")
    assert status == 0, result.stdout + result.stderr
    subjects = [(check["subject"], check["mailbox"]) for check in report["checks"]]
    assert subjects[:2] == [("key", None), ("clock", None)]
    assert ("gmail", "ann@fund.example") in subjects and ("gmail", "bob@fund.example") in subjects
    assert google.token_requests == {"ann@fund.example": 2, "bob@fund.example": 2}, "one token per mailbox and scope"
    profile_calls = [r for r in google.requests if r["path"].endswith("/profile")]
    assert len(profile_calls) == 2 and all(r["path"] == "/gmail/v1/users/me/profile" for r in profile_calls)

    secrets = [google.account.pem().splitlines()[3], *google.tokens]
    output = result.stdout + result.stderr
    assert not [secret for secret in secrets if secret in output]
    assert not [r for r in google.requests if any(secret in r["path"] for secret in secrets)], "no secret in a URL"


def test_each_delegation_failure_is_a_sentence_with_its_fix(data_dir, google):
    env = base_env(data_dir, GMAIL_API_BASE=google.base)
    save_key(env, google.account.key_file(google.token_uri))

    google.delegated = {"https://www.googleapis.com/auth/gmail.readonly"}
    status, report, _ = doctor(env, "ann@fund.example")
    assert status == 1
    [compose] = failures(report)
    assert f"client ID {google.account.client_id}" in compose and "24 h" in compose
    assert "gmail.compose" in compose

    google.delegated = {"https://www.googleapis.com/auth/gmail.readonly", "https://www.googleapis.com/auth/gmail.compose"}
    google.mailboxes["bob@fund.example"].suspended = True
    status, report, _ = doctor(env, "ann@fund.example", "bob@fund.example", "nobody@fund.example")
    said = failures(report)
    assert status == 1 and len(said) == 4, said
    assert all("not an active user of your Google Workspace" in s for s in said)
    assert {c["mailbox"] for c in report["checks"] if not c["ok"]} == {"bob@fund.example", "nobody@fund.example"}
    assert any(c["subject"] == "gmail" and c["mailbox"] == "ann@fund.example" and c["ok"] for c in report["checks"]), \
        "one broken mailbox does not stop the others"

    google.mailboxes["bob@fund.example"].suspended = False
    google.mailboxes["bob@fund.example"].gmail_off = True
    google.fail("profile", 403, {"error": {"code": 403, "message": "Domain policy has disabled third-party Drive apps",
                                           "errors": [{"reason": "domainPolicy", "domain": "global"}]}},
                user="ann@fund.example")
    status, report, _ = doctor(env, "ann@fund.example", "bob@fund.example")
    said = failures(report)
    assert any("turned off Gmail access for apps" in s for s in said), said
    assert any("has no usable Gmail mailbox" in s for s in said), said


def test_a_key_google_does_not_know_and_a_wrong_clock_are_named(data_dir, google):
    from google_fake import ServiceAccount

    env = base_env(data_dir, GMAIL_API_BASE=google.base)
    # A well-formed key of the same account whose key pair Google never issued.
    stranger = ServiceAccount(client_email=google.account.client_email, client_id=google.account.client_id,
                              key_id=google.account.key_id)
    save_key(env, stranger.key_file(google.token_uri))
    status, report, _ = doctor(env, "ann@fund.example")
    assert status == 1 and "does not recognise the service account key" in failures(report)[0]

    save_key(env, google.account.key_file(google.token_uri))
    google.disabled_keys.add(google.account.key_id)
    status, report, _ = doctor(env, "ann@fund.example")
    assert "disabled in Google Cloud" in failures(report)[0]
    google.disabled_keys.clear()

    # Google's clock ten minutes ahead: the assertion still falls inside its hour, but the doctor warns.
    google.clock_skew = 600
    status, report, _ = doctor(env, "ann@fund.example")
    clock = next(check for check in report["checks"] if check["subject"] == "clock")
    assert status == 1 and not clock["ok"] and "behind" in clock["sentence"] and "NTP" in clock["sentence"]

    # Ten minutes behind: Google refuses an assertion issued in its future, and says why.
    google.clock_skew = -600
    status, report, _ = doctor(env, "ann@fund.example")
    said = failures(report)
    assert any("clock is off" in s for s in said) and any("ahead of Google's" in s for s in said), said


def test_the_doctor_without_a_key_or_mailbox_says_what_to_do_first(data_dir, google):
    env = base_env(data_dir, GMAIL_API_BASE=google.base)
    status, report, _ = doctor(env, "ann@fund.example")
    assert status == 1 and "No service account key is saved" in failures(report)[0]
    assert google.requests == []
    save_key(env, google.account.key_file(google.token_uri))
    status, _, result = doctor(env)
    assert status == 75 and "crm-api migrate" in result.stderr, "without --mailbox it reads the synced ones"
    assert run("crm-api", "migrate", env=env).returncode == 0
    status, report, _ = doctor(env)
    assert status == 1 and "No mailbox is synced yet" in failures(report)[0]

    # An admin turned sync on for ann: the doctor checks her mailbox without being told.
    assert run("crm-api", "create-admin", "--email", "ann@fund.example", env=env,
               input="a long enough passphrase\n").returncode == 0
    with sqlite3.connect(data_dir / "crm.sqlite") as db:
        db.execute("INSERT INTO email_accounts (user_id, sync_enabled) SELECT id, 1 FROM users")
    status, report, _ = doctor(env)
    assert status == 0 and {c["mailbox"] for c in report["checks"] if c["subject"] == "gmail"} == {"ann@fund.example"}


def test_google_transient_trouble_is_reported_as_temporary(data_dir, google):
    env = base_env(data_dir, GMAIL_API_BASE=google.base)
    save_key(env, google.account.key_file(google.token_uri))
    google.fail("/token", 503, {"error": "temporarily_unavailable"}, times=2)
    status, report, _ = doctor(env, "ann@fund.example")
    assert status == 1 and all("tries again by itself" in s for s in failures(report))

    google.stop()
    status, report, _ = doctor(env, "ann@fund.example")
    assert status == 1 and any("Could not reach Google" in s for s in failures(report))


def test_no_code_can_build_a_gmail_send_address():
    """Drafts only: no source file names a Gmail send endpoint (Google's compose scope would allow it)."""
    from conftest import REPO_DIR

    send = re.compile(r"(messages|drafts)/send|/send\b|\"send\"")
    offenders = [str(path.relative_to(REPO_DIR)) for folder in ("Sources", "startos")
                 for path in (REPO_DIR / folder).rglob("*") if path.is_file() and path.suffix in (".swift", ".ts", ".js")
                 and send.search(path.read_text(errors="replace"))]
    assert offenders == []
