"""One full flow with known secret values, then a scan of everything the CRM writes or shows:
its logs, every file of its data directory but the secrets folder (the database and its WAL,
backups, sockets' neighbours), the exports, every response it gave, and every process's argv
and environment (the mailer may hold the SMTP settings, nothing else).
"""
import json
import os
import time
import urllib.error
import urllib.request
from pathlib import Path

from conftest import free_port, run, wait_until
from google_fake import FakeGoogle, ServiceAccount
from smtp_harness import SMTPServer, USERNAME, make_certificates
from test_entrypoint import write_smtp_secrets

ADMIN, MEMBER = "root@example.com", "ada@example.com"
ADMIN_PASSWORD = "Admin-Secret-Pässword-41"
MEMBER_PASSWORD = "Member-Secret-Pässword-42"
SMTP_PASSWORD = "smtp-Secret-Pässword-43"


class Recorder:
    """A browser (cookie jar, our Origin) that keeps every response it receives."""

    def __init__(self, stack, seen: list):
        self.stack, self.seen, self.cookie, self.bearer = stack, seen, None, None

    def call(self, method, path, body=None, *, legitimate=False):
        request = urllib.request.Request(self.stack.url(path), method=method,
                                         data=None if body is None else json.dumps(body).encode())
        request.add_header("Content-Type", "application/json")
        request.add_header("Origin", f"http://127.0.0.1:{self.stack.port}")
        if self.cookie:
            request.add_header("Cookie", self.cookie)
        if self.bearer:
            request.add_header("Authorization", f"Bearer {self.bearer}")
        try:
            response = urllib.request.urlopen(request, timeout=10)
        except urllib.error.HTTPError as error:
            response = error
        raw = response.read()
        cookies = response.headers.get_all("Set-Cookie") or []
        for header in cookies:
            if header.startswith("crm_session="):
                self.cookie = header.split(";")[0]
        # The response that hands a secret to its owner is its one legitimate place.
        if not legitimate:
            headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items() if k.lower() != "set-cookie")
            self.seen.append((f"{method} {path}", headers + "\n" + raw.decode("utf-8", "replace")))
        return response.status, (json.loads(raw) if raw[:1] in (b"{", b"[") else raw.decode("utf-8", "replace"))


def test_known_secrets_appear_nowhere_they_should_not(start_stack, data_dir, tmp_path):
    smtp = SMTPServer(make_certificates(tmp_path), free_port(), security="none", password=SMTP_PASSWORD).start()
    account = ServiceAccount()
    google = FakeGoogle(account, [ADMIN]).start()
    try:
        write_smtp_secrets(data_dir, host="127.0.0.1", port=str(smtp.port), security="none", username=USERNAME,
                           password=SMTP_PASSWORD, **{"from": "crm@fund.example"})
        stack = start_stack(CRM_MAIL_RETRY_BASE_S="0.2", GMAIL_API_BASE=google.base)
        assert run("crm-api", "create-admin", "--email", ADMIN, env=stack.env, input=ADMIN_PASSWORD + "\n").returncode == 0
        key = account.key_file(google.token_uri)
        assert run("crm-scheduler", "set-service-account", env=stack.env, input=key).returncode == 0
        stack.wait_ready()

        seen: list = []
        admin = Recorder(stack, seen)
        assert admin.call("POST", "/api/auth/login", {"email": ADMIN, "password": ADMIN_PASSWORD}, legitimate=True)[0] == 200
        session = admin.cookie.split("=", 1)[1]
        assert admin.call("POST", "/api/admin/invites", {"email": MEMBER, "role": "member"}, legitimate=True)[0] == 201
        wait_until(lambda: smtp.messages(), 30, message="the invite mail")
        link = next(line for line in smtp.messages()[0]["message"].get_body(preferencelist=("plain",)).get_content().splitlines() if "#token=" in line)
        invite_token = link.split("#token=", 1)[1].strip()

        member = Recorder(stack, seen)
        assert member.call("POST", "/api/auth/accept-invite",
                           {"token": invite_token, "name": "Ada", "password": MEMBER_PASSWORD}, legitimate=True)[0] == 201
        status, minted = member.call("POST", "/api/auth/tokens", {"name": "script", "password": MEMBER_PASSWORD}, legitimate=True)
        assert status == 201
        api_token = minted["token"]
        script = Recorder(stack, seen)
        script.bearer = api_token
        assert script.call("POST", "/api/tables/investors/records", {"fields": {"name": "Alder Family Office"}})[0] == 201

        for path in ["/api/auth/me", "/api/auth/tokens", "/api/admin/users", "/api/admin/invites", "/api/admin/mail",
                     "/api/admin/status", "/api/security/status", "/api/settings", "/api/team", "/api/activity",
                     "/api/fundraising/state", "/api/fundraising/export", "/api/fundraising/export?format=csv&table=investors",
                     "/api/admin/tokens", "/api/fundraising/backup-policy"]:
            assert admin.call("GET", path)[0] == 200, path
        for mail in admin.call("GET", "/api/admin/mail")[1]["mail"]:
            admin.call("GET", f"/api/admin/mail/{mail['id']}")
        assert admin.call("POST", "/api/admin/digest/test-email", {})[0] == 202
        status, job = admin.call("POST", "/api/fundraising/backup", {})
        assert status == 202
        wait_until(lambda: admin.call("GET", f"/api/fundraising/backup-jobs/{job['id']}")[1]["status"] == "succeeded", 60,
                   message="the backup")
        for backup in admin.call("GET", "/api/fundraising/backups")[1]["backups"]:
            admin.call("POST", f"/api/fundraising/backups/{backup['id']}/verify", {})
        assert script.call("GET", "/api/fundraising/export")[0] == 200
        # A wrong password and a broken token: what the failure paths log and answer.
        assert admin.call("POST", "/api/auth/login", {"email": ADMIN, "password": ADMIN_PASSWORD + "x"})[0] == 401
        broken = Recorder(stack, seen)
        broken.bearer = api_token + "x"
        assert broken.call("GET", "/api/auth/me")[0] == 401

        doctor = run("crm-scheduler", "google-doctor", "--mailbox", ADMIN, env=stack.env)
        assert doctor.returncode == 0, doctor.stdout + doctor.stderr
        assert google.tokens, "the doctor signed in to Gmail"

        secret_key = (data_dir / "secrets" / "secret_key").read_text().strip()
        secrets = {"SMTP password": SMTP_PASSWORD, "service account key": account.pem().splitlines()[3],
                   **{f"Google access token {n}": token for n, token in enumerate(google.tokens)}, "session token": session,
                   "invite token": invite_token, "API token": api_token, "secret key": secret_key,
                   "admin password": ADMIN_PASSWORD, "member password": MEMBER_PASSWORD}
        daemons = stack.daemons()
        places: list[tuple[str, bytes]] = [("the log", stack.output().encode()),
                                           ("google-doctor's output", (doctor.stdout + doctor.stderr).encode())]
        for path in sorted(data_dir.rglob("*")):
            if path.is_file() and "secrets" not in path.relative_to(data_dir).parts and path.name != "entrypoint.log":
                places.append((str(path.relative_to(data_dir)), path.read_bytes()))
        places += [(f"response to {what}", text.encode()) for what, text in seen]
        for name, pid in [("docker_entrypoint.sh", stack.process.pid), *daemons.items()]:
            places.append((f"argv of {name}", Path(f"/proc/{pid}/cmdline").read_bytes()))
            environ = Path(f"/proc/{pid}/environ").read_bytes()
            if name in ("crm-mailer", "docker_entrypoint.sh"):
                # The mailer is given the SMTP settings; the entrypoint reads them from their files.
                environ = b"\0".join(v for v in environ.split(b"\0") if not v.startswith(b"SMTP_PASS="))
            places.append((f"environment of {name}", environ))
        assert len(places) > 30
        leaks = [f"{secret} in {place}" for place, content in places for secret, value in secrets.items()
                 if value.encode() in content]
        assert leaks == []
    finally:
        smtp.stop()
        google.stop()
    assert google.send_violations == []

