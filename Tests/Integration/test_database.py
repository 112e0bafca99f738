"""Two processes sharing the one WAL database."""
import sqlite3
import subprocess

from conftest import BIN_DIR, base_env, run

WRITES = 3000


def test_two_processes_writing_at_once_lose_nothing_and_never_see_busy(data_dir):
    env = base_env(data_dir)
    assert run("crm-api", "migrate", env=env).returncode == 0
    database = str(data_dir / "crm.sqlite")

    writers = [
        subprocess.Popen([str(BIN_DIR / "crm-testkit"), "write-burst", "--database", database, "--tag", tag,
                          "--count", str(WRITES)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for tag in ("first", "second")
    ]
    for writer in writers:
        stdout, stderr = writer.communicate(timeout=300)
        assert writer.returncode == 0, stderr
        assert stdout.strip() == f"wrote {WRITES}"
        assert "locked" not in stderr and "busy" not in stderr.lower()

    with sqlite3.connect(database) as db:
        counts = dict(db.execute(
            "SELECT substr(key, 1, instr(key, '-') - 1), count(*) FROM app_settings GROUP BY 1").fetchall())
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert counts == {"first": WRITES, "second": WRITES}
