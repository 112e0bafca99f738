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


def test_processes_opening_a_fresh_database_at_once_all_succeed(tmp_path_factory):
    """Regression: the first opens race to switch the new file to WAL, and SQLite answers that
    switch with "database is locked" without waiting (seen as `crm-api migrate` exiting 74 while
    the entrypoint started the daemons)."""
    for round in range(30):
        data_dir = tmp_path_factory.mktemp(f"fresh{round}")
        env = base_env(data_dir)
        processes = [subprocess.Popen([str(BIN_DIR / "crm-api"), "migrate"], env=env, stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT, text=True) for _ in range(6)]
        outputs = [(p.wait(timeout=60), p.stdout.read()) for p in processes]
        assert all(code == 0 for code, _ in outputs), outputs
