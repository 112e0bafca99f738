"""The real daemon set under docker_entrypoint.sh, as the container and scripts/run start it."""
import re
import os
import signal
import socket
import time
from datetime import datetime, timedelta, timezone

from conftest import DAEMONS, process_environ, wait_until


def pid_alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def parse_time(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=timezone.utc)


def write_smtp_secrets(data_dir, mode=0o600, **values):
    folder = data_dir / "secrets" / "smtp"
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    for name, value in values.items():
        path = folder / name
        path.write_text(value + "\n")
        os.chmod(path, mode)


def test_stack_becomes_ready_with_four_fresh_heartbeats(start_stack):
    stack = start_stack().wait_ready()

    assert stack.get("/healthz") == (200, {"status": "ok"})
    assert stack.get("/readyz") == (200, {"status": "ready"})
    status, document = stack.get("/api/openapi.json")
    assert status == 200 and document["openapi"] == "3.1.0", "the binary finds its bundled OpenAPI document"
    daemons = stack.daemons()
    assert sorted(daemons) == sorted(DAEMONS)

    wait_until(lambda: len(stack.status_rows()) == 4, 10, message="four heartbeat rows")
    time.sleep(1.2)  # at least two heartbeat intervals: the beats must keep coming
    rows = stack.status_rows()
    now = datetime.now(timezone.utc)
    for name in DAEMONS:
        row = rows[name]
        assert row["status"] == "running"
        assert row["pid"] == daemons[name]
        assert now - parse_time(row["last_beat_at"]) < timedelta(seconds=2), row
        assert parse_time(row["started_at"]) <= parse_time(row["last_beat_at"])


def test_smtp_secrets_reach_the_mailer_only_and_the_operator_wins(start_stack, data_dir):
    password = "file-password-9f3b2c"
    write_smtp_secrets(data_dir, host="smtp.from-file.test", port="2525", username="crm",
                       password=password, security="starttls", **{"from": "CRM <crm@example.com>"})
    stack = start_stack(SMTP_HOST="smtp.operator.test").wait_ready()

    daemons = stack.daemons()
    mailer = process_environ(daemons["crm-mailer"])
    assert mailer["SMTP_HOST"] == "smtp.operator.test"  # the operator's variable beats the file
    assert mailer["SMTP_PASS"] == password
    assert mailer["SMTP_PORT"] == "2525"
    assert mailer["SMTP_USER"] == "crm"
    assert mailer["SMTP_FROM"] == "CRM <crm@example.com>"
    assert mailer["SMTP_SECURITY"] == "starttls"
    for name in ("crm-api", "crm-scheduler", "crm-backup"):
        leaked = [key for key in process_environ(daemons[name]) if key.startswith("SMTP_")]
        assert leaked == [], f"{name} holds {leaked}"

    # Secrets never travel as arguments: no process of the set shows the password in argv.
    for pid in [stack.process.pid, *daemons.values()]:
        assert password.encode() not in open(f"/proc/{pid}/cmdline", "rb").read()

    wait_until(lambda: stack.figures("crm-mailer").get("smtp_configured") is True, 10, message="mailer figures")
    assert password not in stack.output()


def test_the_secret_key_is_made_once_and_kept_owner_only(start_stack, data_dir):
    stack = start_stack(CRM_ENV="production", CRM_BCRYPT_COST="12").wait_ready()
    key_file = data_dir / "secrets" / "secret_key"
    key = key_file.read_text()
    assert re.fullmatch(r"[0-9a-f]{64}", key) and key_file.stat().st_mode & 0o777 == 0o600
    assert (data_dir / "secrets").stat().st_mode & 0o777 == 0o700
    for pid in stack.daemons().values():
        # Production needs the key: the daemons read it from the file, not from their environment.
        assert "CRM_SECRET_KEY" not in process_environ(pid)
        assert key.encode() not in open(f"/proc/{pid}/cmdline", "rb").read()
    assert key not in stack.output()
    stack.stop()

    again = start_stack(CRM_ENV="production", CRM_BCRYPT_COST="12").wait_ready()
    assert key_file.read_text() == key, "a restart keeps the key"
    assert "CRM_SECRET_KEY" not in process_environ(again.daemons()["crm-api"])


def test_a_group_readable_secrets_file_is_refused(start_stack, data_dir):
    write_smtp_secrets(data_dir, host="smtp.example.com")
    write_smtp_secrets(data_dir, mode=0o644, password="leaky-password")
    stack = start_stack()

    assert stack.process.wait(timeout=15) != 0
    output = stack.output()
    assert "secrets/smtp/password" in output and "chmod 600" in output
    assert "leaky-password" not in output
    assert not (data_dir / "crm.sqlite").exists(), "no daemon may start"


def test_killing_one_daemon_stops_the_rest_and_exits_non_zero(start_stack):
    stack = start_stack().wait_ready()
    daemons = stack.daemons()

    os.kill(daemons["crm-scheduler"], signal.SIGKILL)

    code = stack.process.wait(timeout=30)
    assert code != 0
    for name, pid in daemons.items():
        assert not pid_alive(pid), f"{name} still runs"
    assert "crm-scheduler exited" in stack.output()


def test_sigterm_stops_everything_within_ten_seconds(start_stack, data_dir):
    stack = start_stack().wait_ready()
    daemons = stack.daemons()
    wait_until(lambda: len(stack.status_rows()) == 4, 10, message="four heartbeat rows")

    started = time.monotonic()
    stack.process.send_signal(signal.SIGTERM)
    code = stack.process.wait(timeout=10)
    elapsed = time.monotonic() - started

    assert code in (0, 143)
    assert elapsed < 10
    for name, pid in daemons.items():
        assert not pid_alive(pid), f"{name} still runs"
    assert {row["status"] for row in stack.status_rows().values()} == {"stopped"}
    assert list((data_dir / "run").glob("*.sock")) == []


def test_a_wake_message_reaches_the_daemon_at_once(start_stack, data_dir):
    # Beats every 60 s: a figure that changes within seconds can only come from the wake-up.
    stack = start_stack(CRM_HEARTBEAT_INTERVAL_S="60", CRM_POLL_INTERVAL_S="60").wait_ready()
    wait_until(lambda: len(stack.status_rows()) == 4, 10, message="four heartbeat rows")

    sender = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    for hostile in (b"\x00\xff garbage", b"changed users; DROP TABLE users", b"x" * 4096):
        sender.sendto(hostile, str(data_dir / "run" / "crm-backup.sock"))
    sender.sendto(b"backup", str(data_dir / "run" / "crm-backup.sock"))

    figures = wait_until(lambda: stack.figures("crm-backup").get("wakes") and stack.figures("crm-backup"), 5,
                         message="crm-backup to count the wake-up")
    assert figures["wakes"] == 1
    assert figures["last_wake"] == "backup"
    assert stack.get("/readyz")[0] == 200
    assert sorted(stack.daemons()) == sorted(DAEMONS)


def test_with_its_socket_removed_a_daemon_still_polls(start_stack, data_dir):
    stack = start_stack().wait_ready()
    (data_dir / "run" / "crm-scheduler.sock").unlink()

    before = stack.figures("crm-scheduler").get("polls", 0)
    wait_until(lambda: stack.figures("crm-scheduler").get("polls", 0) >= before + 2, 10,
               message="the scheduler to keep polling")
    assert "crm-scheduler" in stack.daemons()
