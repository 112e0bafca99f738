"""Chaos: mixed load on the real daemons while `kill -9` hits a random one every few seconds.

Two ways of coming back, as the CRM is deployed:
- `entrypoint`: docker_entrypoint.sh supervises the four; when one dies it stops the others and
  exits, and this harness restarts it as Docker or StartOS would;
- `units`: each daemon runs on its own and only the killed one is restarted, as systemd's
  Restart=always does.

Load: writers PATCHing records they own (so the last acknowledged value of each is known),
creates, reads, test mails to the admin (a real aiosmtpd server on loopback), backups.

Afterwards: every write that got a 2xx is there with its history, every accepted mail was
delivered (duplicates by Message-ID counted) or is visibly failed, `PRAGMA integrity_check` is
ok, and every backup the catalogue calls verified is intact and matches its checksum.

    python3 Tests/Chaos/chaos.py --bin-dir "$(swift build --show-bin-path)" --rounds 8
    scripts/chaos --long        # 100 rounds in each mode
"""
import argparse
import hashlib
import http.client
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "Tests" / "Integration"))
from conftest import children_of, free_port  # noqa: E402
from smtp_harness import SMTPServer, make_certificates, USERNAME  # noqa: E402

DAEMONS = ["crm-api", "crm-scheduler", "crm-mailer", "crm-backup"]
ADMIN, PASSWORD = "root@example.com", "correct horse battery staple"


class API:
    """One HTTP/1.1 connection with a Bearer token; a dropped connection is an error, not a retry."""

    def __init__(self, port: int, token: str | None = None):
        self.port, self.token = port, token

    def call(self, method: str, path: str, body=None, timeout: float = 10):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        headers = {"Content-Type": "application/json", "Origin": f"http://127.0.0.1:{self.port}"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            connection.request(method, path, None if body is None else json.dumps(body), headers)
            response = connection.getresponse()
            raw = response.read()
            return response.status, (json.loads(raw) if raw and raw[:1] in b"{[" else None)
        finally:
            connection.close()


class Deployment:
    """The four daemons on one data directory, restarted the way `mode` says."""

    def __init__(self, mode: str, bin_dir: Path, data_dir: Path, env: dict):
        self.mode, self.bin_dir, self.data_dir, self.env = mode, bin_dir, data_dir, env
        self.log = open(data_dir / f"chaos-{mode}.log", "a")
        self.entrypoint: subprocess.Popen | None = None
        self.units: dict[str, subprocess.Popen] = {}
        self.restarts = 0

    def start(self):
        if self.mode == "entrypoint":
            self.entrypoint = subprocess.Popen([str(REPO / "docker_entrypoint.sh")], env=self.env,
                                               stdout=self.log, stderr=subprocess.STDOUT)
        else:
            subprocess.run([str(self.bin_dir / "crm-api"), "migrate"], env=self.env, check=True, capture_output=True)
            for daemon in DAEMONS:
                self.start_unit(daemon)

    def start_unit(self, daemon: str):
        env = dict(self.env)
        if daemon != "crm-mailer":
            env = {k: v for k, v in env.items() if not k.startswith("SMTP_")}
        self.units[daemon] = subprocess.Popen([str(self.bin_dir / daemon), "serve"], env=env,
                                              stdout=self.log, stderr=subprocess.STDOUT)

    def pids(self) -> dict[str, int]:
        if self.mode == "units":
            return {name: p.pid for name, p in self.units.items() if p.poll() is None}
        if self.entrypoint is None or self.entrypoint.poll() is not None:
            return {}
        # A killed daemon stays a zombie until the entrypoint reaps it: not running.
        return {name: pid for name, pid in children_of(self.entrypoint.pid, running=True).items() if name in DAEMONS}

    def supervise(self):
        """Brings back what died (called often): the whole set, or the one unit."""
        if self.mode == "entrypoint":
            if self.entrypoint is not None and self.entrypoint.poll() is not None:
                self.restarts += 1
                self.start()
        else:
            for daemon, process in list(self.units.items()):
                if process.poll() is not None:
                    self.restarts += 1
                    self.start_unit(daemon)

    def stop(self):
        processes = [self.entrypoint] if self.entrypoint else list(self.units.values())
        for process in processes:
            if process and process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            if process:
                try:
                    process.wait(timeout=40)
                except subprocess.TimeoutExpired:
                    process.kill()
        for pid in self.pids().values():
            os.kill(pid, signal.SIGKILL)
        self.log.close()


class Ledger:
    """What the server acknowledged, to hold it to afterwards."""

    def __init__(self):
        self.lock = threading.Lock()
        self.writes = 0
        self.last_value: dict[int, tuple[str, int]] = {}  # record id → (notes, version) last acknowledged
        self.created: set[int] = set()
        self.mails: set[int] = set()
        self.unanswered = 0
        self.refused: dict[int, int] = {}


def writer(api: API, ledger: Ledger, owned: list[int], stop: threading.Event, name: str):
    versions = {record: 1 for record in owned}
    counter = 0
    while not stop.is_set():
        record = random.choice(owned)
        counter += 1
        notes = f"{name}-{counter}"
        try:
            status, body = api.call("PATCH", f"/api/tables/investors/records/{record}",
                                    {"fields": {"notes": notes}, "expected_version": versions[record]})
        except (OSError, http.client.HTTPException):
            # Unknown outcome: re-read the version before the next write to this record.
            with ledger.lock:
                ledger.unanswered += 1
            versions[record] = refresh(api, record, versions[record])
            continue
        with ledger.lock:
            if 200 <= status < 300:
                ledger.writes += 1
                versions[record] = body["version"]
                ledger.last_value[record] = (notes, body["version"])
            else:
                ledger.refused[status] = ledger.refused.get(status, 0) + 1
        if status == 409 or status >= 500:
            versions[record] = refresh(api, record, versions[record])
        time.sleep(0.005)


def refresh(api: API, record: int, fallback: int) -> int:
    for _ in range(50):
        try:
            status, body = api.call("GET", f"/api/tables/investors/records/{record}")
            if status == 200:
                return body["version"]
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.1)
    return fallback


def creator(api: API, ledger: Ledger, stop: threading.Event):
    counter = 0
    while not stop.is_set():
        counter += 1
        try:
            status, body = api.call("POST", "/api/tables/contacts/records", {"fields": {"name": f"Contact {counter}"}})
            if status == 201:
                with ledger.lock:
                    ledger.writes += 1
                    ledger.created.add(body["id"])
            if counter % 10 == 0:
                status, body = api.call("POST", "/api/admin/digest/test-email", {"to": [ADMIN]})
                if status == 202:
                    with ledger.lock:
                        ledger.mails.add(body["id"])
            if counter % 25 == 0:
                api.call("POST", "/api/fundraising/backup", {})
            api.call("GET", "/api/tables/investors/records?limit=50")
        except (OSError, http.client.HTTPException):
            time.sleep(0.05)
        time.sleep(0.02)


def wait_ready(deployment: Deployment, api: API, timeout: float = 60, replaced: tuple[str, int] | None = None) -> float:
    """Seconds until all four run again (the killed one, `replaced`, under a new pid) and /readyz is 200."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        deployment.supervise()
        pids = deployment.pids()
        back = replaced is None or pids.get(replaced[0], replaced[1]) != replaced[1]
        try:
            if back and len(pids) == 4 and api.call("GET", "/readyz", timeout=2)[0] == 200:
                return time.monotonic() - started
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.05)
    raise AssertionError(f"not ready after {timeout} s; see {deployment.log.name}")


def run_mode(mode: str, bin_dir: Path, rounds: int, interval: float, certificates: dict) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix=f"crm-chaos-{mode}-", dir="/tmp"))
    smtp = SMTPServer(certificates, free_port(), security="starttls").start()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "CRM_", "NOTIFY_SOCKET"))}
    env.update(CRM_DATA_DIR=str(data_dir), CRM_BIN_DIR=str(bin_dir), CRM_BCRYPT_COST="4", CRM_HTTP_HOST="127.0.0.1",
               CRM_HTTP_PORT=str(port), CRM_HEARTBEAT_INTERVAL_S="0.5", CRM_POLL_INTERVAL_S="0.5",
               CRM_WRITE_RATE_PER_S="10000", CRM_WRITE_BURST="100000",
               SMTP_HOST="127.0.0.1", SMTP_PORT=str(smtp.port), SMTP_FROM="crm@fund.example", SMTP_USER=USERNAME,
               SMTP_PASS=smtp.password, SMTP_SECURITY="starttls", SMTP_CA_FILE=str(certificates["ca"]),
               SMTP_CONNECT_TIMEOUT_S="2", SMTP_TIMEOUT_S="3", CRM_MAIL_RETRY_BASE_S="0.2", CRM_MAIL_RETRY_CAP_S="1",
               CRM_MAIL_LEASE_S="5")
    if mode == "units":
        env["CRM_SECRET_KEY"] = os.urandom(32).hex()
    subprocess.run([str(bin_dir / "crm-api"), "migrate"], env=env, check=True, capture_output=True)
    subprocess.run([str(bin_dir / "crm-api"), "create-admin", "--email", ADMIN], env=env, input=PASSWORD + "\n",
                   text=True, check=True, capture_output=True)
    deployment = Deployment(mode, bin_dir, data_dir, env)
    deployment.start()
    anonymous = API(port)
    wait_ready(deployment, anonymous)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("POST", "/api/auth/login", json.dumps({"email": ADMIN, "password": PASSWORD}),
                       {"Content-Type": "application/json", "Origin": f"http://127.0.0.1:{port}"})
    response = connection.getresponse()
    cookie = response.getheader("Set-Cookie").split(";")[0]
    response.read()
    connection.request("POST", "/api/auth/tokens", json.dumps({"name": "chaos", "password": PASSWORD}),
                       {"Content-Type": "application/json", "Origin": f"http://127.0.0.1:{port}", "Cookie": cookie})
    token = json.loads(connection.getresponse().read())["token"]
    connection.close()
    api = API(port, token)
    owned: list[list[int]] = [[], [], []]
    for index in range(30):
        status, body = api.call("POST", "/api/tables/investors/records", {"fields": {"name": f"Investor {index}"}})
        assert status == 201, body
        owned[index % 3].append(body["id"])

    ledger = Ledger()
    stop = threading.Event()
    threads = [threading.Thread(target=writer, args=(api, ledger, owned[i], stop, f"w{i}"), daemon=True) for i in range(3)]
    threads.append(threading.Thread(target=creator, args=(api, ledger, stop), daemon=True))
    for thread in threads:
        thread.start()

    recoveries: list[float] = []
    kills: dict[str, int] = {d: 0 for d in DAEMONS}
    for _ in range(rounds):
        deadline = time.monotonic() + interval * random.uniform(0.5, 1.5)
        while time.monotonic() < deadline:
            deployment.supervise()
            time.sleep(0.05)
        pids = deployment.pids()
        if not pids:
            continue
        victim = random.choice(sorted(pids))
        os.kill(pids[victim], signal.SIGKILL)
        kills[victim] += 1
        recoveries.append(wait_ready(deployment, anonymous, replaced=(victim, pids[victim])))

    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    # Let queued mail drain and the last backup finish.
    drain_deadline = time.monotonic() + 60
    while time.monotonic() < drain_deadline:
        deployment.supervise()
        with sqlite3.connect(data_dir / "crm.sqlite", timeout=10) as db:
            pending = db.execute("SELECT count(*) FROM outbound_mail WHERE status IN ('queued', 'sending')").fetchone()[0]
            running = db.execute("SELECT count(*) FROM backup_jobs WHERE status IN ('queued', 'running')").fetchone()[0]
        if pending == 0 and running == 0:
            break
        time.sleep(0.5)
    deployment.stop()
    smtp.stop()
    result = verify(data_dir, ledger, smtp)
    result.update(mode=mode, rounds=rounds, kills=kills, restarts=deployment.restarts,
                  recovery_s_max=round(max(recoveries, default=0), 2),
                  recovery_s_median=round(sorted(recoveries)[len(recoveries) // 2], 2) if recoveries else 0,
                  refused=ledger.refused, writes_unanswered=ledger.unanswered)
    if result["ok"]:
        shutil.rmtree(data_dir, ignore_errors=True)
    else:
        result["data_dir"] = str(data_dir)
    return result


def verify(data_dir: Path, ledger: Ledger, smtp: SMTPServer) -> dict:
    problems: list[str] = []
    with sqlite3.connect(data_dir / "crm.sqlite", timeout=10) as db:
        integrity = db.execute("PRAGMA integrity_check").fetchall()
        if integrity != [("ok",)]:
            problems.append(f"integrity_check: {integrity[:3]}")
        found = 0
        for record, (notes, version) in ledger.last_value.items():
            row = db.execute("SELECT notes, version FROM fundraising_investors WHERE id = ?", (record,)).fetchone()
            # Only this writer writes this record, so its last acknowledged write is what is stored
            # (a write whose answer was lost may have landed after it: a later version, its own value).
            if row is None or row[1] < version or (row[1] == version and row[0] != notes):
                problems.append(f"investor {record}: acknowledged {notes!r} at v{version}, found {row}")
                continue
            history = db.execute("SELECT count(*) FROM record_history WHERE table_name = 'investors' AND record_id = ? "
                                 "AND record_version = ?", (record, version)).fetchone()[0]
            if history == 0:
                problems.append(f"investor {record}: v{version} has no history")
                continue
            found += 1
        created = {row[0] for row in db.execute("SELECT id FROM fundraising_contacts WHERE deleted_at IS NULL")}
        missing = ledger.created - created
        if missing:
            problems.append(f"{len(missing)} acknowledged contacts missing: {sorted(missing)[:5]}")
        mails = {row[0]: (row[1], row[2]) for row in db.execute("SELECT id, status, message_id FROM outbound_mail")}
        backups = db.execute("SELECT file_name, sha256 FROM backups WHERE verify_ok = 1 AND deleted_at IS NULL").fetchall()
    delivered_ids = [message["message"]["Message-ID"] for message in smtp.messages()]
    delivered, duplicated, failed = 0, 0, 0
    for mail_id in ledger.mails:
        status, message_id = mails.get(mail_id, (None, None))
        copies = delivered_ids.count(message_id)
        if status == "sent" and copies >= 1:
            delivered += 1
            duplicated += copies - 1
        elif status in ("failed", "dead"):
            failed += 1
            duplicated += max(copies - 1, 0)
        else:
            problems.append(f"mail {mail_id}: status {status}, {copies} delivered")
    if duplicated:
        problems.append(f"{duplicated} mail(s) delivered more than once")
    for file_name, digest in backups:
        path = data_dir / "backups" / file_name
        if not path.exists():
            continue  # pruned by retention after verification
        if hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            problems.append(f"{file_name}: checksum differs")
            continue
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as copy:
            if copy.execute("PRAGMA integrity_check").fetchall() != [("ok",)]:
                problems.append(f"{file_name}: integrity check fails")
    return dict(ok=not problems, problems=problems[:20], writes_acknowledged=ledger.writes,
                records_checked=len(ledger.last_value), records_found=found, contacts_acknowledged=len(ledger.created),
                mails_queued=len(ledger.mails), mails_delivered=delivered, mails_duplicated=duplicated,
                mails_failed_visibly=failed, backups_verified=len(backups))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin-dir", required=True, type=Path)
    parser.add_argument("--rounds", type=int, default=8, help="kills per mode")
    parser.add_argument("--interval", type=float, default=3.0, help="seconds between kills (±50%%)")
    parser.add_argument("--mode", choices=["entrypoint", "units", "both"], default="both")
    parser.add_argument("--long", action="store_true", help="100 rounds per mode")
    parser.add_argument("--seed", type=int, default=None)
    arguments = parser.parse_args()
    seed = arguments.seed if arguments.seed is not None else random.randrange(1 << 30)
    random.seed(seed)
    rounds = 100 if arguments.long else arguments.rounds
    workdir = Path(tempfile.mkdtemp(prefix="crm-chaos-", dir="/tmp"))
    certificates = make_certificates(workdir)
    modes = ["entrypoint", "units"] if arguments.mode == "both" else [arguments.mode]
    results = [run_mode(mode, arguments.bin_dir.resolve(), rounds, arguments.interval, certificates) for mode in modes]
    shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps({"seed": seed, "results": results}, indent=2))
    sys.exit(0 if all(result["ok"] for result in results) else 1)


if __name__ == "__main__":
    main()
