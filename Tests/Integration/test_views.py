"""Saved views' sort indexes in the real daemon set: made at start and when a view is saved, and
built from SQLite's own functions only, so the plain sqlite3 tools can still check, dump, reload
and write the database."""
import sqlite3
import subprocess

from conftest import wait_until
from test_events import signed_in


def view_indexes(database):
    with sqlite3.connect(database, timeout=5) as db:
        return {name: sql for name, sql in db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name GLOB 'view_sort_*'")}


def test_views_get_their_sort_indexes_and_plain_sqlite_still_checks_dumps_and_writes(start_stack, data_dir, tmp_path):
    stack, browser = signed_in(start_stack)
    database = data_dir / "crm.sqlite"
    # The seeded views sort by name, by stage (grouped) then name, by next step then name, and
    # commitments by fund (grouped) then amount.
    seeded = wait_until(lambda: view_indexes(database) if len(view_indexes(database)) == 4 else None, 30,
                        message="the seeded views' indexes")

    status, field, _ = browser.call("POST", "/api/tables/investors/fields",
                                    {"label": "Tier", "type": "single_select",
                                     "options": {"choices": ["Anchor 'A'", "Ärzte", "C"]}})
    assert status == 201, field
    status, view, _ = browser.call("POST", "/api/tables/investors/views", {
        "name": "By tier", "scope": "shared",
        "definition": {"v": 1, "sorts": [{"field": field["key"], "direction": "asc"},
                                         {"field": "check_size_min", "direction": "desc"}]}})
    assert status == 201, view
    indexes = wait_until(lambda: view_indexes(database) if len(view_indexes(database)) == 5 else None, 30,
                         message="the new view's index")
    [added] = set(indexes) - set(seeded)
    assert "crm_fold" not in "".join(indexes.values())

    # Plain SQLite, without the CRM's functions: the integrity check, a write and a dump reloaded.
    with sqlite3.connect(database, timeout=5) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        db.execute("INSERT INTO fundraising_investors (name, custom) VALUES ('Written outside', '{\"tier\": \"Ärzte\"}')")
    dump = subprocess.run(["sqlite3", str(database), ".dump"], capture_output=True, text=True, check=True).stdout
    reloaded = tmp_path / "reloaded.sqlite"
    subprocess.run(["sqlite3", str(reloaded)], input=dump, capture_output=True, text=True, check=True)
    with sqlite3.connect(reloaded) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT count(*) FROM sqlite_master WHERE name = ?", (added,)).fetchone() == (1,)

    # The record written outside is in the view, in tier order.
    status, page, _ = browser.call("GET", f"/api/tables/investors/records?view={view['id']}")
    assert status == 200
    assert [record["fields"]["name"] for record in page["records"]][:1] == ["Written outside"]

    assert browser.call("DELETE", f"/api/tables/investors/views/{view['id']}")[0] == 204
    wait_until(lambda: added not in view_indexes(database), 30, message="the deleted view's index to go")
