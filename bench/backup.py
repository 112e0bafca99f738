"""Backups of a 1 GB database: crm-backup's job against `sqlite3 .backup` on the same file in the
same run, and the latency of API writes made while the backup runs. Writes its RESULTS.md section.
"""
import json
import os
import signal
import sqlite3
import subprocess
import threading
import time
import urllib.request

from common import BIN_DIR, Server, machine, percentile, write_section

TARGET_BYTES = 1024 ** 3
NOTE = "x" * 900


def fill(database, target=TARGET_BYTES) -> int:
    """Investors with long notes (and their history rows) until the file reaches `target`."""
    with sqlite3.connect(database) as db:
        batch = 20_000
        start = db.execute("SELECT coalesce(max(id), 0) FROM fundraising_investors").fetchone()[0]
        while os.path.getsize(database) < target:
            rows = [(start + i + 1, f"Investor {start + i + 1}", NOTE) for i in range(batch)]
            db.executemany("INSERT INTO fundraising_investors (id, name, notes) VALUES (?, ?, ?)", rows)
            db.commit()
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            start += batch
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return start


class Writer(threading.Thread):
    """One client creating investors back to back; records each request's latency."""

    def __init__(self, server):
        super().__init__(daemon=True)
        self.server, self.latencies, self.errors, self.stop = server, [], 0, threading.Event()

    def run(self):
        body = json.dumps({"fields": {"name": "During backup"}}).encode()
        while not self.stop.is_set():
            request = urllib.request.Request(self.server.url("/api/tables/investors/records"), method="POST", data=body,
                                             headers={"Content-Type": "application/json",
                                                      "Authorization": f"Bearer {self.server.token}"})
            started = time.perf_counter()
            try:
                urllib.request.urlopen(request, timeout=30).read()
                self.latencies.append((time.perf_counter() - started) * 1000)
            except OSError:
                self.errors += 1


def call(server, method, path, body=None):
    request = urllib.request.Request(server.url(path), method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", "Authorization": f"Bearer {server.token}"})
    return json.loads(urllib.request.urlopen(request, timeout=30).read())


def writes_for(server, seconds) -> Writer:
    writer = Writer(server)
    writer.start()
    time.sleep(seconds)
    writer.stop.set()
    writer.join()
    return writer


def main():
    # Writes back to back from one client: lift the per-IP write limit so it measures latency, not the limit.
    server = Server(CRM_POLL_INTERVAL_S="0.5", CRM_WRITE_RATE_PER_S="100000", CRM_WRITE_BURST="1000000")
    try:
        with sqlite3.connect(server.database) as db:
            db.execute("UPDATE backup_policy SET enabled = 0")
        rows = fill(server.database)
        size = os.path.getsize(server.database)

        target = server.data_dir / "sqlite3-copy.sqlite"
        started = time.perf_counter()
        subprocess.run(["sqlite3", str(server.database), f".backup '{target}'"], check=True)
        sqlite3_seconds = time.perf_counter() - started
        target.unlink()

        server.start()
        baseline = writes_for(server, 10)
        backup = subprocess.Popen([str(BIN_DIR / "crm-backup")], env=server.env, stderr=subprocess.DEVNULL)
        try:
            time.sleep(2)
            writer = Writer(server)
            writer.start()
            started = time.perf_counter()
            job = call(server, "POST", "/api/fundraising/backup", {})
            while job["status"] not in ("succeeded", "failed"):
                time.sleep(0.05)
                job = call(server, "GET", f"/api/fundraising/backup-jobs/{job['id']}")
            job_seconds = time.perf_counter() - started
            writer.stop.set()
            writer.join()
            assert job["status"] == "succeeded", job
            verify_started = time.perf_counter()
            call(server, "POST", f"/api/fundraising/backups/{job['backup_id']}/verify", {})
            verify_seconds = time.perf_counter() - verify_started
        finally:
            backup.send_signal(signal.SIGTERM)
            backup.wait(timeout=60)
    finally:
        server.stop()

    def line(name, writer):
        return (f"| {name} | {len(writer.latencies)} | {percentile(writer.latencies, 0.5):.1f} ms | "
                f"{percentile(writer.latencies, 0.99):.1f} ms | {max(writer.latencies):.0f} ms | {writer.errors} |")

    text = f"""## Backups of a 1 GB database (bench/backup.py)

Machine: {machine()}.

{rows:,} investors with 900-byte notes: {size / 1024 ** 3:.2f} GiB.

| step | time |
|---|---|
| `sqlite3 .backup` of the same file (nothing else running) | {sqlite3_seconds:.1f} s |
| crm-backup job, queued → succeeded (online copy, fsync, SHA-256, catalogue, integrity check) | {job_seconds:.1f} s |
| verification alone (`POST …/verify`: SHA-256 + `PRAGMA integrity_check`) | {verify_seconds:.1f} s |

API writes (one client creating investors back to back):

| while | writes | p50 | p99 | max | errors |
|---|---|---|---|---|---|
{line("idle (10 s)", baseline)}
{line("the backup job runs", writer)}
"""
    write_section("backup", text)
    print(text)


if __name__ == "__main__":
    main()
