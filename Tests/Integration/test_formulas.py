"""Formula recompute jobs in the real crm-api: one a restart interrupted is finished at start."""
import json
import sqlite3

from conftest import base_env, run, wait_until


def test_an_interrupted_recompute_job_finishes_when_crm_api_starts(data_dir, start_stack):
    assert run("crm-api", "migrate", env=base_env(data_dir)).returncode == 0
    with sqlite3.connect(data_dir / "crm.sqlite") as db:
        db.executemany("INSERT INTO fundraising_investors (name, custom) VALUES (?, '{}')",
                       [(f"Investor {n}",) for n in range(1, 2501)])
        db.execute("INSERT INTO fundraising_fields (table_name, key, label, type, options, formula, position) "
                   "VALUES ('investors', 'shout', 'Shout', 'formula', '{\"result_type\":\"text\"}', 'UPPER({Name}) & \"!\"', 100)")
        # Stopped half-way: the first 1,000 records were done before the restart.
        db.execute("UPDATE fundraising_investors SET custom = json_object('shout', upper(name) || '!') WHERE id <= 1000")
        db.execute("INSERT INTO formula_jobs (table_name, field_key, formula, total, done, next_id) "
                   "VALUES ('investors', 'shout', 'UPPER({Name}) & \"!\"', 2500, 1000, 1000)")
    stack = start_stack().wait_ready()

    def finished():
        with sqlite3.connect(data_dir / "crm.sqlite", timeout=5) as db:
            return db.execute("SELECT status = 'done' FROM formula_jobs").fetchone()[0]

    wait_until(finished, 60, message="the formula job to finish")
    with sqlite3.connect(data_dir / "crm.sqlite") as db:
        values = [json.loads(custom).get("shout") for (custom,) in db.execute("SELECT custom FROM fundraising_investors ORDER BY id")]
        done, total = db.execute("SELECT done, total FROM formula_jobs").fetchone()
    assert values[0] == "INVESTOR 1!" and values[1500] == "INVESTOR 1501!" and values[-1] == "INVESTOR 2500!"
    assert all(value is not None for value in values)
    assert (done, total) == (2500, 2500)
    assert "formula jobs ran" in stack.output()
