"""Backups against the real daemons: consistency under concurrent writes, and a crash mid-backup."""
import os
import signal
import sqlite3
import subprocess
import time

from conftest import BIN_DIR, base_env, run, wait_until
from test_accounts import PASSWORD, Browser
from test_events import signed_in


def wait_for_job(browser, job_id, timeout=60):
    def finished():
        _, job, _ = browser.call("GET", f"/api/fundraising/backup-jobs/{job_id}")
        return job if job["status"] in ("succeeded", "failed") else None

    return wait_until(finished, timeout, interval=0.05, message=f"backup job {job_id}")


def test_a_backup_taken_while_another_process_writes_is_one_consistent_moment(start_stack, data_dir):
    stack, browser = signed_in(start_stack)
    writer = subprocess.Popen([str(BIN_DIR / "crm-testkit"), "paired-writes", "--database", str(data_dir / "crm.sqlite"),
                               "--count", "4000"], env=stack.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_until(lambda: sqlite3.connect(data_dir / "crm.sqlite").execute(
        "SELECT count(*) FROM feature_requests").fetchone()[0] > 50, 30, message="the writer to start")

    status, job, _ = browser.call("POST", "/api/fundraising/backup", {})
    assert status == 202 and job["status"] == "queued"
    job = wait_for_job(browser, job["id"])
    assert job["status"] == "succeeded", job
    assert writer.poll() is None, "the backup must be taken while the writer is still writing"
    writer.communicate(timeout=120)
    assert writer.returncode == 0

    _, listing, _ = browser.call("GET", "/api/fundraising/backups")
    [backup] = [entry for entry in listing["backups"] if entry["id"] == job["backup_id"]]
    assert backup["kind"] == "manual" and backup["verify_ok"] is True
    # The nightly slot (02:30 UTC by default) had passed, so crm-backup also took today's at start.
    assert {entry["kind"] for entry in listing["backups"]} <= {"manual", "scheduled"}
    path = data_dir / "backups" / backup["file_name"]
    assert os.stat(path).st_mode & 0o077 == 0
    copy = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    settings = copy.execute("SELECT count(*) FROM app_settings WHERE key LIKE 'pair-%'").fetchone()[0]
    requests = copy.execute("SELECT count(*) FROM feature_requests WHERE title LIKE 'pair %'").fetchone()[0]
    assert settings == requests > 0, "both halves of every pair, or neither"

    status, verified, _ = browser.call("POST", f"/api/fundraising/backups/{backup['id']}/verify", {})
    assert status == 200 and verified["ok"] is True
    assert {check["name"] for check in verified["checks"]} == {"file", "checksum", "integrity", "schema"}


def test_killing_crm_backup_mid_backup_catalogues_nothing_and_the_next_job_succeeds(data_dir):
    env = base_env(data_dir, CRM_HTTP_HOST="127.0.0.1")
    assert run("crm-api", "migrate", env=env).returncode == 0
    database = data_dir / "crm.sqlite"
    with sqlite3.connect(database) as db:  # ~400 MB, so the copy takes a while
        db.execute("UPDATE backup_policy SET enabled = 0")  # only the jobs this test queues
        db.execute("CREATE TABLE ballast (blob BLOB)")
        db.executemany("INSERT INTO ballast VALUES (zeroblob(1048576))", [()] * 400)
    assert run("crm-api", "create-admin", "--email", "root@example.com", env=env, input=PASSWORD + "\n").returncode == 0

    from conftest import free_port, Stack  # noqa: E402 (a small stack of two daemons)
    port = free_port()
    env["CRM_HTTP_PORT"] = str(port)
    api = subprocess.Popen([str(BIN_DIR / "crm-api")], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    backup = subprocess.Popen([str(BIN_DIR / "crm-backup")], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        class Target:
            def url(self, path):
                return f"http://127.0.0.1:{port}{path}"
            port_number = port
        target = Target()
        target.port = port
        wait_until(lambda: os.path.exists(data_dir / "run" / "crm-backup.sock"), 30, message="crm-backup")
        browser = Browser(target)
        wait_until(lambda: _ready(target), 30, message="crm-api")
        assert browser.call("POST", "/api/auth/login", {"email": "root@example.com", "password": PASSWORD})[0] == 200

        _, job, _ = browser.call("POST", "/api/fundraising/backup", {})
        # Kill during the copy itself: the .partial file exists only then.
        wait_until(lambda: any(name.endswith(".partial") for name in os.listdir(data_dir / "backups"))
                   if (data_dir / "backups").exists() else False, 30, interval=0.005, message="the copy to start")
        os.kill(backup.pid, signal.SIGKILL)
        backup.wait()
        _, running, _ = browser.call("GET", f"/api/fundraising/backup-jobs/{job['id']}")
        assert running["status"] == "running", "killed mid-backup"
        assert browser.call("GET", "/api/fundraising/backups")[1]["backups"] == []

        backup = subprocess.Popen([str(BIN_DIR / "crm-backup")], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: not any(name.endswith(".partial") for name in os.listdir(data_dir / "backups")), 30,
                   message="the partial file to be removed")
        _, second, _ = browser.call("POST", "/api/fundraising/backup", {})
        finished = wait_for_job(browser, second["id"], timeout=120)
        assert finished["status"] == "succeeded"
        [catalogued] = browser.call("GET", "/api/fundraising/backups")[1]["backups"]
        assert catalogued["verify_ok"] is True
        assert os.listdir(data_dir / "backups") == [catalogued["file_name"]]
    finally:
        for process in (api, backup):
            process.terminate()
            process.wait(timeout=30)


def _ready(target):
    import urllib.request
    try:
        return urllib.request.urlopen(target.url("/readyz"), timeout=1).status == 200
    except OSError:
        return False


def names(browser) -> list[str]:
    status, page, _ = browser.call("GET", "/api/tables/investors/records?limit=100")
    assert status == 200
    return sorted(record["fields"]["name"] for record in page["records"])


def test_a_restore_under_the_running_daemons_serves_the_backup_and_the_safety_backup_undoes_it(start_stack, data_dir):
    from test_events import EventStream

    stack, browser = signed_in(start_stack)
    for name in ("Acme", "Beta"):
        assert browser.call("POST", "/api/tables/investors/records", {"fields": {"name": name}})[0] == 201
    status, job, _ = browser.call("POST", "/api/fundraising/backup", {})
    backup_id = wait_for_job(browser, job["id"])["backup_id"]
    assert browser.call("POST", "/api/tables/investors/records", {"fields": {"name": "Gamma"}})[0] == 201
    assert browser.call("DELETE", "/api/tables/investors/records/1")[0] in (200, 204)
    assert names(browser) == ["Beta", "Gamma"]

    status, preview, _ = browser.call("POST", "/api/fundraising/restore-preview", {"backup_id": backup_id})
    assert status == 200
    investors = preview["tables"][0]
    assert (investors["disappearing"], investors["appearing"]) == (1, 1)
    assert investors["disappearing_sample"][0]["name"] == "Gamma" and investors["appearing_sample"][0]["name"] == "Acme"

    stream = EventStream(stack, browser.cookie)
    pids = stack.daemons()
    status, job, _ = browser.call("POST", "/api/fundraising/restore", {"backup_id": backup_id, "confirm": True})
    assert status == 202 and job["kind"] == "restore"
    job = wait_for_job(browser, job["id"])
    assert job["status"] == "succeeded", job
    assert names(browser) == ["Acme", "Beta"], "the API serves the restored data at once"
    event = stream.next_event()
    while event["event"] not in ("reset",):
        event = stream.next_event()
    assert "restored" in event["data"]["reason"]

    # Every daemon is the same process, still beating, and writes work.
    assert stack.daemons() == pids
    before = {name: row["last_beat_at"] for name, row in stack.status_rows().items()}
    wait_until(lambda: all(row["last_beat_at"] > before[name] for name, row in stack.status_rows().items()), 10,
               message="fresh heartbeats after the restore")
    status, delta, _ = browser.call("POST", "/api/tables/investors/records", {"fields": {"name": "Delta"}})
    assert status == 201 and delta["id"] == 4, "ids are never reused"
    status, still_me, _ = browser.call("GET", "/api/auth/me")
    assert status == 200, "the admin who restored is still signed in"

    status, undo, _ = browser.call("POST", "/api/fundraising/restore",
                                   {"backup_id": job["safety_backup_id"], "confirm": True})
    assert status == 202 and wait_for_job(browser, undo["id"])["status"] == "succeeded"
    assert names(browser) == ["Beta", "Gamma"]
    _, feed, _ = browser.call("GET", "/api/activity?type=backup")
    assert [entry["action"] for entry in feed["activity"]].count("restore") == 2
