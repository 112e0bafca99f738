"""crm-mailer against a real SMTP server (aiosmtpd): delivery, retries, leases, secrets."""
import base64
import email.utils
import json
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from conftest import BIN_DIR, base_env, free_port, run, wait_until
from smtp_harness import PASSWORD, USERNAME, SMTPServer, make_certificates

ADMIN = "root@example.com"
ADMIN_PASSWORD = "an admin passphrase 2026"
SENDER = "Fonds Équipe Ünïcode <crm@fund.example>"


@pytest.fixture(scope="session")
def certificates(tmp_path_factory):
    return make_certificates(tmp_path_factory.mktemp("smtp-ca"))


@pytest.fixture
def smtp(certificates):
    servers = []

    def start(security="starttls", mode="accept", password=PASSWORD, exclude_mechanisms=()) -> SMTPServer:
        server = SMTPServer(certificates, free_port(), security=security, mode=mode, password=password,
                            exclude_mechanisms=exclude_mechanisms).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def mail_env(data_dir: Path, server: SMTPServer, certificates, **extra) -> dict:
    settings = dict(
        SMTP_HOST="127.0.0.1", SMTP_PORT=server.port, SMTP_FROM=SENDER, SMTP_USER=USERNAME, SMTP_PASS=server.password,
        SMTP_SECURITY=server.security, SMTP_CA_FILE=certificates["ca"], SMTP_CONNECT_TIMEOUT_S="2",
        SMTP_TIMEOUT_S="3", CRM_MAIL_RETRY_BASE_S="0.2", CRM_MAIL_RETRY_CAP_S="1", CRM_MAIL_LEASE_S="5",
    )
    return base_env(data_dir, **{**settings, **extra})


def prepare(env: dict):
    assert run("crm-api", "migrate", env=env).returncode == 0
    created = run("crm-api", "create-admin", "--email", ADMIN, "--name", "Zoë Admin", env=env, input=ADMIN_PASSWORD + "\n")
    assert created.returncode == 0, created.stderr


def enqueue(env: dict, count=1, *args) -> list[str]:
    result = run("crm-testkit", "enqueue-mail", "--database", f"{env['CRM_DATA_DIR']}/crm.sqlite",
                 "--run-dir", f"{env['CRM_DATA_DIR']}/run", "--to", ADMIN, "--count", str(count), *args, env=env)
    assert result.returncode == 0, result.stderr
    return [line.split()[1] for line in result.stdout.splitlines()]


class Mailer:
    def __init__(self, env: dict, log: Path):
        self.log_path = log
        self.log = open(log, "w")
        self.process = subprocess.Popen([str(BIN_DIR / "crm-mailer"), "serve"], env=env, stdout=self.log,
                                        stderr=subprocess.STDOUT)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=20)
        self.log.close()

    def output(self) -> str:
        self.log.flush()
        return self.log_path.read_text()


@pytest.fixture
def mailers():
    started = []

    def start(env, name="mailer") -> Mailer:
        mailer = Mailer(env, Path(env["CRM_DATA_DIR"]) / f"{name}-{len(started)}.log")
        started.append(mailer)
        return mailer

    yield start
    for mailer in started:
        mailer.stop()


def rows(data_dir: Path) -> list[dict]:
    with sqlite3.connect(data_dir / "crm.sqlite", timeout=5) as db:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute("SELECT * FROM outbound_mail ORDER BY id")]


def wait_for_status(data_dir: Path, status: str, count=1, timeout=20):
    return wait_until(lambda: [r for r in rows(data_dir) if r["status"] == status] if
                      len([r for r in rows(data_dir) if r["status"] == status]) >= count else None,
                      timeout, message=f"{count} mail(s) {status}")


def secret_forms(password: str) -> list[str]:
    """The password as it could leak: itself, and the base64 of AUTH PLAIN and AUTH LOGIN."""
    plain = f"\0{USERNAME}\0{password}".encode()
    return [password, base64.b64encode(plain).decode(), base64.b64encode(plain[1:]).decode(),
            base64.b64encode(password.encode()).decode()]


def assert_never_leaked(password: str, data_dir: Path, *texts: str):
    stored = b"".join(p.read_bytes() for p in data_dir.glob("crm.sqlite*"))
    for form in secret_forms(password):
        assert form.encode() not in stored, "the SMTP password reached the database"
        for text in texts:
            assert form not in text, "the SMTP password reached a log or output"


def test_a_queued_mail_arrives_as_correct_mime_with_non_ascii_names_and_subject(smtp, mailers, certificates, data_dir):
    server = smtp("starttls")
    env = mail_env(data_dir, server, certificates)
    prepare(env)
    subject = "Activité du jour — café ☕ avec les investisseurs de Zürich et d'Ōsaka, résumé complet"
    text = "Bonjour Zoë,\n\n" + "Une ligne très longue " * 12 + "\n.\nFrom the team = 100 % ✓\n"
    html = "<p>Bonjour <b>Zoë</b> — " + "très " * 40 + "</p>"
    [message_id] = enqueue(env, 1, "--subject", subject, "--text", text, "--html", html)
    mailer = mailers(env)

    wait_until(lambda: server.messages(), 20, message="delivery")
    [received] = server.messages()
    message = received["message"]
    assert received["envelope_from"] == "crm@fund.example" and received["rcpt_tos"] == [ADMIN]
    assert received["auth"].login.decode() == USERNAME and server.mechanisms_used == ["PLAIN"]
    assert message["Subject"] == subject
    assert message["From"].addresses[0].display_name == "Fonds Équipe Ünïcode"
    assert message["From"].addresses[0].addr_spec == "crm@fund.example"
    assert message["To"].addresses[0].addr_spec == ADMIN
    assert message["Message-ID"] == message_id
    assert email.utils.parsedate_to_datetime(message["Date"]).tzinfo is not None
    assert message.get_content_type() == "multipart/alternative"
    plain, rich = message.get_payload()
    assert plain.get_content_type() == "text/plain" and plain["Content-Transfer-Encoding"] == "quoted-printable"
    assert plain.get_content().replace("\r\n", "\n") == text
    assert rich.get_content_type() == "text/html" and rich.get_content().replace("\r\n", "\n") == html
    raw = received["raw"]
    assert raw.isascii(), "8-bit text travels encoded"
    assert b"\n" not in raw.replace(b"\r\n", b""), "CRLF line ends only"
    longest = max(raw.split(b"\r\n"), key=len)
    assert len(longest) <= 78, longest

    [row] = wait_for_status(data_dir, "sent")
    assert row["attempts"] == 1 and row["last_error"] is None and row["sent_at"]
    assert_never_leaked(server.password, data_dir, mailer.output())


def test_implicit_tls_with_auth_login_delivers(smtp, mailers, certificates, data_dir):
    server = smtp("tls", exclude_mechanisms=("PLAIN",))
    env = mail_env(data_dir, server, certificates)
    prepare(env)
    [message_id] = enqueue(env)
    mailers(env)
    wait_until(lambda: server.messages(), 20, message="delivery")
    assert server.messages()[0]["message"]["Message-ID"] == message_id
    assert server.mechanisms_used == ["LOGIN"]


def test_an_untrusted_certificate_is_never_sent_to(smtp, mailers, certificates, data_dir):
    server = smtp("starttls")
    env = mail_env(data_dir, server, certificates)
    del env["SMTP_CA_FILE"]
    prepare(env)
    enqueue(env)
    mailer = mailers(env)
    wait_until(lambda: rows(data_dir)[0]["last_error"], 20, message="a recorded failure")
    row = rows(data_dir)[0]
    assert row["status"] in ("queued", "sending", "dead") and row["last_error"].startswith("curl 60:")
    assert server.messages() == [] and server.data_attempts == {}
    assert_never_leaked(server.password, data_dir, mailer.output())


def test_a_451_is_retried_then_delivered_once(smtp, mailers, certificates, data_dir):
    server = smtp("starttls", mode="defer_first")
    env = mail_env(data_dir, server, certificates)
    prepare(env)
    [message_id] = enqueue(env)
    mailers(env)
    [row] = wait_for_status(data_dir, "sent")
    assert row["attempts"] == 2 and server.data_attempts[message_id] == 2
    assert [m["message"]["Message-ID"] for m in server.messages()] == [message_id]


def test_a_550_fails_at_once_and_the_server_words_are_not_kept(smtp, mailers, certificates, data_dir):
    server = smtp("starttls", mode="reject")
    env = mail_env(data_dir, server, certificates)
    prepare(env)
    [message_id] = enqueue(env)
    mailer = mailers(env)
    [row] = wait_for_status(data_dir, "failed")
    time.sleep(1)
    assert server.data_attempts[message_id] == 1, "no retry after a permanent refusal"
    assert row["last_error"] == "smtp 550: The SMTP server refused the message for good."
    # The 550 reply quoted the password: it must not reach the log or the database.
    assert_never_leaked(server.password, data_dir, mailer.output())


def test_a_mail_deferred_past_the_limit_is_dead(smtp, mailers, certificates, data_dir):
    server = smtp("starttls", mode="always_defer")
    env = mail_env(data_dir, server, certificates, CRM_MAIL_MAX_ATTEMPTS="3")
    prepare(env)
    [message_id] = enqueue(env)
    mailers(env)
    [row] = wait_for_status(data_dir, "dead")
    assert row["attempts"] == 3 and server.data_attempts[message_id] == 3
    assert row["last_error"].startswith("smtp 451:")


def test_a_wrong_password_is_retried_and_never_leaks(smtp, mailers, certificates, data_dir):
    server = smtp("starttls", password="the-right-one")
    env = mail_env(data_dir, server, certificates, SMTP_PASS=PASSWORD, CRM_MAIL_MAX_ATTEMPTS="2")
    prepare(env)
    enqueue(env)
    mailer = mailers(env)
    [row] = wait_for_status(data_dir, "dead")
    assert row["last_error"] == "curl 67: The SMTP server refused the username or password."
    assert server.auth_failures >= 2 and server.messages() == []
    status = json.loads(sqlite3.connect(data_dir / "crm.sqlite").execute(
        "SELECT figures FROM daemon_status WHERE name = 'crm-mailer'").fetchone()[0])
    assert status["smtp_configured"] is True and status["last_failure"].startswith("curl 67")
    assert_never_leaked(PASSWORD, data_dir, mailer.output())


def test_two_mailers_racing_deliver_every_message_exactly_once(smtp, mailers, certificates, data_dir):
    server = smtp("starttls")
    env = mail_env(data_dir, server, certificates)
    prepare(env)
    second_run = data_dir / "run-second"
    second_run.mkdir()
    mailers(env, "one")
    mailers({**env, "CRM_RUN_DIR": str(second_run)}, "two")
    time.sleep(1)
    ids = enqueue(env, 40)
    wait_until(lambda: len(server.messages()) >= 40, 60, message="40 deliveries")
    time.sleep(1)
    delivered = [m["message"]["Message-ID"] for m in server.messages()]
    assert sorted(delivered) == sorted(ids), "each message exactly once"
    assert all(count == 1 for count in server.data_attempts.values())
    assert {r["status"] for r in rows(data_dir)} == {"sent"}


def kill_mid_send(smtp, mailers, certificates, data_dir, mode: str):
    """A mailer killed while the server holds back its answer (to RCPT or to the final dot)."""
    server = smtp("starttls", mode=mode)
    env = mail_env(data_dir, server, certificates, SMTP_TIMEOUT_S="8", CRM_MAIL_LEASE_S="2")
    prepare(env)
    [message_id] = enqueue(env)
    first = mailers(env)
    assert server.hanging.wait(20), "the send reached the server's silence"
    first.process.send_signal(signal.SIGKILL)
    first.process.wait(timeout=10)
    [row] = rows(data_dir)
    assert row["status"] == "sending"
    return server, env, message_id, row


def test_a_mailer_killed_before_the_final_dot_is_followed_by_one_delivery_with_the_same_message_id(
        smtp, mailers, certificates, data_dir):
    server, env, message_id, row = kill_mid_send(smtp, mailers, certificates, data_dir, "hang_first_rcpt")
    assert row["data_sent_at"] is None

    mailers({**env, "SMTP_TIMEOUT_S": "5"})
    [row] = wait_for_status(data_dir, "sent", timeout=60)
    assert [m["message"]["Message-ID"] for m in server.messages()] == [message_id]
    assert row["attempts"] == 2 and server.data_attempts[message_id] == 1


def test_a_mailer_killed_after_the_final_dot_fails_the_mail_as_uncertain_and_never_sends_it_again(
        smtp, mailers, certificates, data_dir):
    server, env, message_id, row = kill_mid_send(smtp, mailers, certificates, data_dir, "hang_first")
    assert row["data_sent_at"] is not None, "the server has the whole message"

    second = mailers({**env, "SMTP_TIMEOUT_S": "5"})
    [row] = wait_for_status(data_dir, "failed", timeout=60)
    assert row["last_error"].startswith("uncertain: Delivery uncertain")
    time.sleep(2)
    assert server.data_attempts[message_id] == 1, "never sent a second time"
    assert rows(data_dir)[0]["status"] == "failed" and rows(data_dir)[0]["attempts"] == 1
    assert "mail delivery uncertain" in second.output()


def test_a_server_that_never_answers_the_final_dot_leaves_the_mail_failed_as_uncertain(
        smtp, mailers, certificates, data_dir):
    server = smtp("starttls", mode="hang_first")
    env = mail_env(data_dir, server, certificates, SMTP_TIMEOUT_S="3")
    prepare(env)
    [message_id] = enqueue(env)
    mailer = mailers(env)
    [row] = wait_for_status(data_dir, "failed", timeout=30)
    assert row["last_error"].startswith("uncertain:") and row["attempts"] == 1
    time.sleep(2)
    assert server.data_attempts[message_id] == 1
    started = time.monotonic()
    mailer.stop()
    assert time.monotonic() - started < 10, "a server that stopped answering does not hold the mailer"


def test_sealed_bodies_are_not_in_the_database_in_clear_and_arrive_readable(smtp, mailers, certificates, data_dir):
    server = smtp("starttls")
    key = "k" * 40
    env = mail_env(data_dir, server, certificates, CRM_SECRET_KEY=key)
    prepare(env)
    secret_link = "https://crm.example.com/accept-invite#token=crm_inv_SECRET123"
    enqueue(env, 1, "--text", f"Join us: {secret_link}", "--seal", "--secret-key", key)
    assert secret_link.encode() not in (data_dir / "crm.sqlite").read_bytes() + \
        b"".join(p.read_bytes() for p in data_dir.glob("crm.sqlite-wal"))
    mailers(env)
    wait_until(lambda: server.messages(), 20, message="delivery")
    assert secret_link in server.messages()[0]["message"].get_content()


def test_test_email_goes_to_admins_only_and_its_delivery_is_visible(start_stack, smtp, certificates, data_dir):
    from test_accounts import Browser

    server = smtp("starttls")
    settings = {k: v for k, v in mail_env(data_dir, server, certificates).items() if k.startswith(("SMTP_", "CRM_MAIL"))}
    stack = start_stack(**settings)
    prepare(stack.env)
    stack.wait_ready()
    admin = Browser(stack)
    assert admin.call("POST", "/api/auth/login", {"email": ADMIN, "password": ADMIN_PASSWORD})[0] == 200

    status, invite, _ = admin.call("POST", "/api/admin/invites",
                                   {"email": "member@example.com", "role": "member", "send_email": False})
    assert status == 201
    member = Browser(stack)
    status, _, _ = member.call("POST", "/api/auth/accept-invite",
                               {"token": invite["token"], "name": "Mo Member", "password": "a member passphrase 1"})
    assert status == 201

    status, body, _ = member.call("POST", "/api/admin/digest/test-email", {})
    assert status == 403 and body["error"] == "forbidden"
    status, body, _ = admin.call("POST", "/api/admin/digest/test-email",
                                 {"to": [ADMIN, "member@example.com", "outsider@elsewhere.example"]})
    assert status == 422 and body["error"] == "recipients_not_allowed"
    assert body["details"]["to"] == ["member@example.com", "outsider@elsewhere.example"]

    status, queued, _ = admin.call("POST", "/api/admin/digest/test-email", {})
    assert status == 202 and queued["status"] == "queued" and queued["recipients"] == [ADMIN]
    wait_until(lambda: server.messages(), 20, message="the test mail")
    [received] = server.messages()
    assert received["rcpt_tos"] == [ADMIN] and received["message"]["Message-ID"] == queued["message_id"]
    assert "Zoë Admin" in received["message"].get_body(("plain",)).get_content()

    shown = wait_until(lambda: (lambda r: r if r[1]["status"] == "sent" else None)(
        admin.call("GET", f"/api/admin/mail/{queued['id']}")), 10, message="sent in the API")
    assert shown[0] == 200 and shown[1]["attempts"] == 1 and shown[1]["last_error"] is None
    status, listing, _ = admin.call("GET", "/api/admin/mail?status=sent")
    assert status == 200 and [m["id"] for m in listing["mail"]] == [queued["id"]]
    assert member.call("GET", f"/api/admin/mail/{queued['id']}")[0] == 403
    assert len(server.messages()) == 1, "the refused requests queued nothing"
    assert_never_leaked(server.password, data_dir, stack.output(), json.dumps(listing), json.dumps(shown[1]))


def test_an_invite_is_mailed_to_the_invitee_with_a_link_that_works(start_stack, smtp, certificates, data_dir):
    from test_accounts import Browser

    server = smtp("starttls")
    settings = {k: v for k, v in mail_env(data_dir, server, certificates).items() if k.startswith(("SMTP_", "CRM_MAIL"))}
    stack = start_stack(CRM_SECRET_KEY="s" * 48, **settings)
    prepare(stack.env)
    stack.wait_ready()
    wait_until(lambda: stack.figures("crm-mailer").get("smtp_configured"), 10, message="the mailer's SMTP report")
    admin = Browser(stack)
    assert admin.call("POST", "/api/auth/login", {"email": ADMIN, "password": ADMIN_PASSWORD})[0] == 200

    status, invite, _ = admin.call("POST", "/api/admin/invites", {"email": "Grace@Example.com", "role": "member"})
    assert status == 201 and invite["mailed"] is True and invite["mail_id"]
    wait_until(lambda: server.messages(), 20, message="the invite mail")
    [received] = server.messages()
    assert received["rcpt_tos"] == ["grace@example.com"]
    assert received["message"]["Subject"] == "Zoë Admin invited you to the team's Venture CRM"
    assert invite["url"] in received["message"].get_body(("plain",)).get_content()
    stored = b"".join(p.read_bytes() for p in data_dir.glob("crm.sqlite*"))
    assert invite["token"].encode() not in stored, "the invite token is sealed in the queue"

    guest = Browser(stack)
    status, _, _ = guest.call("POST", "/api/auth/accept-invite",
                              {"token": invite["token"], "name": "Grace", "password": "a new member passphrase"})
    assert status == 201

    status, by_hand, _ = admin.call("POST", "/api/admin/invites",
                                    {"email": "hand@example.com", "role": "member", "send_email": False})
    assert status == 201 and by_hand["mailed"] is False and "mail_id" not in by_hand
    time.sleep(1)
    assert len(server.messages()) == 1
