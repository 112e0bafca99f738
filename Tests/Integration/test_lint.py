"""The soft-delete lint (scripts/lint/live_reads.py) finds a read that forgets `deleted_at` and
accepts one that filters it, says it means to see deleted rows, or names where it is filtered."""
import importlib.util
import subprocess
import sys

from conftest import REPO_DIR

spec = importlib.util.spec_from_file_location("live_reads", REPO_DIR / "scripts/lint/live_reads.py")
live_reads = importlib.util.module_from_spec(spec)
spec.loader.exec_module(live_reads)


def findings(tmp_path, swift: str) -> list[str]:
    live_reads.ROOT = tmp_path
    (tmp_path / "Sources/Shared").mkdir(parents=True, exist_ok=True)
    path = tmp_path / "Sources/Shared/Reads.swift"
    path.write_text(swift)
    return live_reads.check(path, {"users", "views"}, {"User"})


def test_a_read_that_forgets_deleted_at_is_found(tmp_path):
    assert findings(tmp_path, 'let n = try Int.fetchOne(db, sql: "SELECT count(*) FROM users WHERE active = 1")\n') == [
        "Sources/Shared/Reads.swift:1: reads users without deleted_at"]
    assert findings(tmp_path, 'let rows = try Row.fetchAll(db, sql: """\n    SELECT v.* FROM views v\n    """)\n') == [
        "Sources/Shared/Reads.swift:1: reads views without deleted_at"]
    assert findings(tmp_path, 'let sql = "SELECT * FROM \\(table.sqlTable) WHERE id = ?"\n')
    assert findings(tmp_path, "let user = try User.filter(Column(\"id\") == id).fetchOne(db)\n") == [
        "Sources/Shared/Reads.swift:1: User.filter without .live()"]


def test_filtered_marked_and_non_reads_pass(tmp_path):
    assert findings(tmp_path, 'try Int.fetchOne(db, sql: "SELECT count(*) FROM users WHERE deleted_at IS NULL")\n') == []
    assert findings(tmp_path, 'try db.execute(sql: "DELETE FROM users WHERE id = ?")\n') == []
    assert findings(tmp_path, 'try db.execute(sql: "UPDATE users SET name = ? WHERE id = ?")\n') == []
    assert findings(tmp_path, "// reads deleted rows: history names archived users\n"
                              "let rows = try Row.fetchAll(\n    db,\n    sql: \"SELECT name FROM users\")\n") == []
    assert findings(tmp_path, "// filtered by: the compiled condition\nlet sql = \"SELECT * FROM \\(table.sqlTable) WHERE \"\n") == []
    assert findings(tmp_path, "let users = try User.all().live().fetchAll(db)\n") == []
    assert findings(tmp_path, "let admins = try User.all()\n    .activeAdmins().fetchAll(db)\n") == []


def test_the_repository_is_clean():
    result = subprocess.run([sys.executable, str(REPO_DIR / "scripts/lint/live_reads.py")], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
