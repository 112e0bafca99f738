"""Fixtures for integration tests: the real binaries started against a temporary data dir.

scripts/test passes CRM_BIN_DIR (the debug build's bin folder) and CRM_REPO_DIR.
"""
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

BIN_DIR = Path(os.environ.get("CRM_BIN_DIR", "")).resolve()
REPO_DIR = Path(os.environ.get("CRM_REPO_DIR", Path(__file__).resolve().parents[2]))
DAEMONS = ["crm-api", "crm-scheduler", "crm-mailer", "crm-backup"]


def pytest_configure(config):
    if not (BIN_DIR / "crm-api").exists():
        raise pytest.UsageError("set CRM_BIN_DIR to the folder holding the built crm-* binaries")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def base_env(data_dir: Path, **extra) -> dict:
    """A clean environment: no SMTP_* or CRM_* leaking in from the developer's shell."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "CRM_", "NOTIFY_SOCKET", "WATCHDOG_"))}
    env.update(
        CRM_DATA_DIR=str(data_dir),
        CRM_BCRYPT_COST="4",
        CRM_HEARTBEAT_INTERVAL_S="0.5",
        CRM_POLL_INTERVAL_S="0.5",
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


def run(binary: str, *args, env: dict, input: str | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN_DIR / binary), *args], env=env, input=input, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture
def data_dir():
    # Short path under /tmp: Unix socket paths are limited to 107 bytes.
    path = Path(tempfile.mkdtemp(prefix="crm-it-", dir="/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def children_of(pid: int, running: bool = False) -> dict[str, int]:
    """Direct children of `pid`, by process name; `running` leaves out zombies (killed, not yet reaped)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        state, ppid = stat[stat.rindex(")") + 2 :].split()[:2]
        if int(ppid) == pid and not (running and state == "Z"):
            found[name] = int(entry.name)
    return found


def process_environ(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    return dict(item.split("=", 1) for item in raw.decode().split("\0") if "=" in item)


def wait_until(predicate, timeout: float, interval: float = 0.1, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {message}")


class Stack:
    """docker_entrypoint.sh running the four debug binaries on a temporary data dir."""

    def __init__(self, data_dir: Path, port: int | None = None, **env):
        self.data_dir = data_dir
        self.port = port or free_port()
        self.env = base_env(data_dir, CRM_BIN_DIR=BIN_DIR, CRM_HTTP_HOST="127.0.0.1", CRM_HTTP_PORT=self.port, **env)
        self.log_path = data_dir / "entrypoint.log"
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [str(REPO_DIR / "docker_entrypoint.sh")], env=self.env, stdout=self.log, stderr=subprocess.STDOUT
        )

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path: str) -> tuple[int, dict]:
        try:
            with urllib.request.urlopen(self.url(path), timeout=2) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def wait_ready(self, timeout: float = 30):
        def ready():
            if self.process.poll() is not None:
                raise AssertionError(f"entrypoint exited {self.process.returncode}:\n{self.output()}")
            try:
                return self.get("/readyz")[0] == 200 and len(self.daemons()) == 4
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                return False

        wait_until(ready, timeout, message="/readyz and four daemons")
        # Worker daemons bind their sockets after their first heartbeat: wait for all four.
        wait_until(lambda: all((self.data_dir / "run" / f"{d}.sock").exists() for d in DAEMONS[1:]), 10,
                   message="wake sockets")
        return self

    def daemons(self) -> dict[str, int]:
        return {name: pid for name, pid in children_of(self.process.pid).items() if name in DAEMONS}

    def status_rows(self) -> dict[str, dict]:
        with sqlite3.connect(self.data_dir / "crm.sqlite", timeout=5) as db:
            db.row_factory = sqlite3.Row
            rows = db.execute("SELECT * FROM daemon_status").fetchall()
        return {row["name"]: dict(row) for row in rows}

    def figures(self, daemon: str) -> dict:
        """The daemon's figures; empty until its first heartbeat has written its row."""
        row = self.status_rows().get(daemon)
        return json.loads(row["figures"]) if row and row["figures"] else {}

    def output(self) -> str:
        self.log.flush()
        return self.log_path.read_text()

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        for pid in children_of(self.process.pid).values():
            os.kill(pid, signal.SIGKILL)
        self.log.close()


@pytest.fixture
def start_stack(data_dir):
    stacks = []

    def start(port: int | None = None, **env) -> Stack:
        stack = Stack(data_dir, port, **env)
        stacks.append(stack)
        return stack

    yield start
    for stack in stacks:
        stack.stop()


@pytest.fixture
def google():
    """A fake Google for ann@ and bob@fund.example; a test that made anything call a send endpoint fails."""
    from google_fake import FakeGoogle, ServiceAccount

    fake = FakeGoogle(ServiceAccount(), ["ann@fund.example", "bob@fund.example"]).start()
    yield fake
    fake.stop()
    assert fake.send_violations == [], f"something called a Gmail send endpoint: {fake.send_violations}"
