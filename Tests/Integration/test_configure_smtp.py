"""`crm-mailer configure-smtp`: files and modes, stdin-only password, validation, --check, --clear."""
import os
import stat

import pytest

from conftest import base_env, run
from test_mailer import certificates, smtp  # noqa: F401 (fixtures)
from smtp_harness import PASSWORD, USERNAME


def saved(data_dir):
    folder = data_dir / "secrets" / "smtp"
    return {path.name: path.read_text() for path in folder.iterdir()} if folder.exists() else {}


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def configure(env, *args, password=None):
    return run("crm-mailer", "configure-smtp", *args, env=env, input=password)


def test_saves_each_field_owner_only_with_the_password_from_stdin(data_dir):
    env = base_env(data_dir)
    result = configure(env, "--host", "smtp.example.com", "--port", "2525", "--from", "Zoë CRM <crm@example.com>",
                       "--username", USERNAME, "--security", "tls", password=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert saved(data_dir) == {"host": "smtp.example.com", "port": "2525", "from": "Zoë CRM <crm@example.com>",
                               "username": USERNAME, "password": PASSWORD, "security": "tls"}
    folder = data_dir / "secrets" / "smtp"
    assert mode(folder) == 0o700 and mode(data_dir / "secrets") == 0o700
    assert all(mode(path) == 0o600 for path in folder.iterdir())
    assert not [p for p in folder.iterdir() if p.name.startswith(".")], "no temporary file left behind"
    assert PASSWORD not in result.stdout + result.stderr

    # Saving again without a username removes the old credentials.
    result = configure(env, "--host", "relay.internal", "--from", "crm@example.com", "--security", "none")
    assert result.returncode == 0, result.stderr
    assert saved(data_dir) == {"host": "relay.internal", "port": "25", "from": "crm@example.com", "security": "none"}


@pytest.mark.parametrize("args, password, complaint", [
    (["--host", "smtp example.com", "--from", "crm@example.com"], None, "--host"),
    (["--host", "smtp.example.com", "--from", "crm@example.com", "--port", "0"], None, "--port"),
    (["--host", "smtp.example.com", "--from", "not-an-address"], None, "--from"),
    (["--host", "smtp.example.com", "--from", "crm@example.com\nBcc: x@evil.example"], None, "--from"),
    (["--host", "smtp.example.com", "--from", "crm@example.com", "--security", "ssl3"], None, "--security"),
    (["--host", "smtp.example.com", "--from", "crm@example.com", "--username", "u"], "", "password"),
    (["--host", "smtp.example.com", "--from", "crm@example.com", "--username", "u"], "two\nlines", "one line"),
    (["--host", "smtp.example.com", "--from", "crm@example.com", "--username", "u"], "x" * 5000, "too long"),
    ([], None, "--host"),
])
def test_bad_values_are_refused_and_nothing_is_written(data_dir, args, password, complaint):
    result = configure(base_env(data_dir), *args, password=password)
    assert result.returncode == 65, result.stderr
    assert complaint in result.stderr
    assert saved(data_dir) == {}


def test_the_password_is_never_taken_from_argv_or_the_environment(data_dir):
    result = configure(base_env(data_dir), "--host", "h.example.com", "--from", "crm@example.com",
                       "--password", PASSWORD)
    assert result.returncode != 0 and saved(data_dir) == {}
    env = base_env(data_dir, SMTP_PASS=PASSWORD)
    result = configure(env, "--host", "h.example.com", "--from", "crm@example.com", "--username", "u", password="")
    assert result.returncode == 65 and saved(data_dir) == {}


def test_check_passes_with_good_credentials_and_sends_nothing(smtp, certificates, data_dir):  # noqa: F811
    server = smtp("starttls")
    env = base_env(data_dir, SMTP_CA_FILE=certificates["ca"], SMTP_TIMEOUT_S="5")
    result = configure(env, "--host", "127.0.0.1", "--port", str(server.port), "--from", "crm@fund.example",
                       "--username", USERNAME, password=PASSWORD)
    assert result.returncode == 0, result.stderr
    result = configure(env, "--check")
    assert result.returncode == 0, result.stderr
    assert "SMTP check passed" in result.stdout and f"signed in as {USERNAME}" in result.stdout
    assert server.messages() == [] and not server.data_attempts


def test_check_reports_bad_credentials_sanitized(smtp, certificates, data_dir):  # noqa: F811
    server = smtp("starttls", password="the-right-one")
    env = base_env(data_dir, SMTP_CA_FILE=certificates["ca"], SMTP_TIMEOUT_S="5")
    result = configure(env, "--check", "--host", "127.0.0.1", "--port", str(server.port), "--from", "crm@fund.example",
                       "--username", USERNAME, password=PASSWORD)
    assert result.returncode == 1
    assert "SMTP check failed: curl 67: The SMTP server refused the username or password." in result.stderr
    assert PASSWORD not in result.stdout + result.stderr
    assert saved(data_dir) == {}, "--check with values saves nothing"
    assert server.auth_failures == 1


def test_check_without_a_trusted_certificate_fails(smtp, data_dir):  # noqa: F811
    server = smtp("starttls")
    result = configure(base_env(data_dir, SMTP_TIMEOUT_S="5"), "--check", "--host", "127.0.0.1", "--port",
                       str(server.port), "--from", "crm@fund.example", "--username", USERNAME, password=PASSWORD)
    assert result.returncode == 1 and "curl 60:" in result.stderr and server.auth_failures == 0


def test_clear_removes_the_settings(data_dir):
    env = base_env(data_dir)
    assert configure(env, "--host", "smtp.example.com", "--from", "crm@example.com", "--username", "u",
                     password="pw").returncode == 0
    result = configure(env, "--clear")
    assert result.returncode == 0 and saved(data_dir) == {}
    result = configure(env, "--check")
    assert result.returncode == 65 and "nothing to check" in result.stderr
