"""Accounts over real HTTP against the real daemon set."""
import json
import urllib.error
import urllib.request

from conftest import run
from test_entrypoint import write_smtp_secrets

PASSWORD = "an admin passphrase 2026"


class Browser:
    """Keeps the session cookie and sends our Origin on writes."""

    def __init__(self, stack):
        self.stack = stack
        self.cookie = None

    def call(self, method, path, body=None, headers=None):
        request = urllib.request.Request(self.stack.url(path), method=method,
                                         data=None if body is None else json.dumps(body).encode())
        request.add_header("Content-Type", "application/json")
        request.add_header("Origin", f"http://127.0.0.1:{self.stack.port}")
        if self.cookie:
            request.add_header("Cookie", self.cookie)
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        try:
            response = urllib.request.urlopen(request, timeout=5)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            if header.startswith("crm_session="):
                self.cookie = header.split(";")[0]
        raw = response.read()
        return response.status, json.loads(raw) if raw else None, response.headers


def test_an_admin_made_on_the_command_line_signs_in_and_sees_the_go_live_checklist(start_stack, data_dir):
    write_smtp_secrets(data_dir, host="smtp.example.com", port="2525", security="none",
                       **{"from": "crm@example.com"})
    stack = start_stack()
    created = run("crm-api", "create-admin", "--email", "root@example.com", env=stack.env, input=PASSWORD + "\n")
    assert created.returncode == 0, created.stderr
    stack.wait_ready()

    browser = Browser(stack)
    status, body, headers = browser.call("POST", "/api/auth/login", {"email": "root@example.com", "password": PASSWORD})
    assert status == 200 and body["user"]["role"] == "admin"
    assert "HttpOnly" in headers["Set-Cookie"] and "SameSite=Lax" in headers["Set-Cookie"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]

    status, body, _ = browser.call("GET", "/api/security/status")
    assert status == 200
    checks = {check["id"]: check["status"] for check in body["checks"]}
    assert checks["smtp"] == "pass", "read from the mailer's heartbeat"
    assert checks["admins"] == "warn"

    status, body, _ = browser.call("POST", "/api/auth/register", {"email": "x@example.com"})
    assert (status, body["error"]) == (403, "self_registration_disabled")

    assert PASSWORD not in stack.output()
    assert browser.cookie.split("=", 1)[1] not in stack.output()


def test_forwarded_for_from_an_untrusted_peer_does_not_dodge_the_lockout(start_stack):
    stack = start_stack().wait_ready()
    browser = Browser(stack)
    for attempt in range(10):
        status, _, _ = browser.call("POST", "/api/auth/login", {"email": "nobody@example.com", "password": "x" * 12},
                                    headers={"X-Forwarded-For": f"203.0.113.{attempt}"})
        assert status == 401
    status, body, headers = browser.call("POST", "/api/auth/login", {"email": "other@example.com", "password": "y" * 12},
                                         headers={"X-Forwarded-For": "198.51.100.1"})
    assert status == 429 and body["error"] == "rate_limited"
    assert int(headers["Retry-After"]) > 0


def test_reset_admin_password_gives_a_one_time_password_and_ends_sessions(start_stack):
    stack = start_stack()
    assert run("crm-api", "create-admin", "--email", "root@example.com", env=stack.env, input=PASSWORD + "\n").returncode == 0
    stack.wait_ready()
    browser = Browser(stack)
    assert browser.call("POST", "/api/auth/login", {"email": "root@example.com", "password": PASSWORD})[0] == 200

    refused = run("crm-api", "reset-admin-password", "--email", "nobody@example.com", env=stack.env)
    assert refused.returncode == 65 and "no active admin" in refused.stderr

    reset = run("crm-api", "reset-admin-password", "--email", "Root@Example.com", env=stack.env)
    assert reset.returncode == 0, reset.stderr
    [line] = [line for line in reset.stdout.splitlines() if line.startswith("One-time password: ")]
    one_time = line.removeprefix("One-time password: ")
    assert browser.call("GET", "/api/auth/me")[0] == 401, "the old session ended"
    assert Browser(stack).call("POST", "/api/auth/login", {"email": "root@example.com", "password": PASSWORD})[0] == 401
    fresh = Browser(stack)
    assert fresh.call("POST", "/api/auth/login", {"email": "root@example.com", "password": one_time})[0] == 200
    status, body, _ = fresh.call("GET", "/api/security/status")
    assert (status, body["error"]) == (403, "password_change_required")
    assert one_time not in stack.output()
