"""Formula recompute jobs in the real daemons: one a restart interrupted is finished at start, and
the day's refresh of clock formulas that crm-scheduler starts is run by crm-api."""
import datetime
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


def test_crm_scheduler_starts_the_days_refresh_of_clock_formulas_and_crm_api_runs_it(data_dir, start_stack):
    stack = start_stack().wait_ready()
    with sqlite3.connect(data_dir / "crm.sqlite", timeout=5) as db:
        db.executemany("INSERT INTO fundraising_investors (name, custom) VALUES (?, json_object('year', '1999'))",
                       [(f"Investor {n}",) for n in range(1, 301)])
        db.execute("INSERT INTO fundraising_fields (table_name, key, label, type, options, formula, position) "
                   "VALUES ('investors', 'year', 'Year', 'formula', '{\"result_type\":\"text\"}', "
                   "'DATETIME_FORMAT(TODAY(), \"YYYY\")', 100)")

    def refreshed():
        with sqlite3.connect(data_dir / "crm.sqlite", timeout=5) as db:
            return db.execute("SELECT count(*) FROM formula_jobs WHERE field_key = 'year' AND status = 'done'").fetchone()[0]

    wait_until(refreshed, 25, message="the scheduler's refresh, run by crm-api")
    with sqlite3.connect(data_dir / "crm.sqlite") as db:
        years = {json.loads(custom)["year"] for (custom,) in db.execute("SELECT custom FROM fundraising_investors")}
        jobs = db.execute("SELECT count(*), max(created_by) FROM formula_jobs").fetchone()
    assert years == {str(datetime.date.today().year)}
    assert jobs == (1, None), "one job for the day, started by no user"
    assert "clock formulas refreshed" in stack.output()
    wait_until(lambda: stack.figures("crm-scheduler").get("clock_formulas_refreshed_at"), 10,
               message="the scheduler's heartbeat to say when it refreshed")
