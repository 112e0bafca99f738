"""Formula fields over 100,000 investors: the full recompute of 10 formula fields of mixed kinds
(each saved on the full table, so each runs as a background job), formula-cell evaluations per
second, and the round trip of one edit that four formulas depend on. Writes its RESULTS.md section.
"""
import random
import sqlite3
import sys
import time

from common import Server, call, machine, percentile, write_section

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
EDITS = 50
STAGES = ["prospect", "intro", "meeting", "diligence", "soft_circle", "committed", "closed", "passed"]
FORMULAS = [
    ("Double min", "{Check size min} * 2"),
    ("Headline", 'UPPER({Name}) & " — " & {Stage}'),
    ("Follow-up", 'DATEADD({Next step date}, 14, "days")'),
    ("Days to step", 'DATETIME_DIFF({Next step date}, "2026-01-01", "days")'),
    ("Size", 'IF({Check size min} > 1000000, "large", "small")'),
    ("Ends in 0 or 5", 'REGEX_MATCH({Name}, "[05]$")'),
    ("Third", "ROUND({Check size min} / 3, 2)"),
    ("Name shape", 'LEN({Name}) + FIND(" ", {Name})'),
    ("Step on", 'DATETIME_FORMAT({Next step date}, "MMMM D, YYYY")'),
    ("Double plus one", "{Double min} + 1"),
]


def fill(database, rows):
    rng = random.Random(11)
    with sqlite3.connect(database) as db:
        db.executemany(
            "INSERT INTO fundraising_investors (id, name, stage, check_size_min, next_step_at) VALUES (?, ?, ?, ?, ?)",
            [(row, f"Investor {row}", rng.choice(STAGES), rng.randint(0, 40) * 10_000_000,
              f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}") for row in range(1, rows + 1)])
        db.commit()



def main():
    server = Server(CRM_WRITE_RATE_PER_S="100000", CRM_WRITE_BURST="1000000")
    try:
        fill(server.database, ROWS)
        server.start()
        per_field = []
        for label, formula in FORMULAS:
            started = time.perf_counter()
            field = call(server, "POST", "/api/tables/investors/fields", {"label": label, "type": "formula", "formula": formula})
            job = field.get("recompute")
            while job and job["status"] == "running":
                time.sleep(0.02)
                job = call(server, "GET", f"/api/formulas/jobs/{job['id']}")
            per_field.append((label, time.perf_counter() - started))
        total_seconds = sum(seconds for _, seconds in per_field)
        # "Double plus one" reads "Double min": saving "Double min" again recomputes both.
        evaluations = ROWS * len(FORMULAS)
        record = call(server, "GET", "/api/tables/investors/records/1")
        assert record["fields"]["double_plus_one"] == record["fields"]["check_size_min"] * 2 + 1, record

        version = record["version"]
        edit = []
        for n in range(EDITS):
            started = time.perf_counter()
            record = call(server, "PATCH", "/api/tables/investors/records/1",
                          {"expected_version": version, "fields": {"check_size_min": 1_000_000 + n}})
            edit.append((time.perf_counter() - started) * 1000)
            version = record["version"]
        assert record["fields"]["double_plus_one"] == (1_000_000 + EDITS - 1) * 2 + 1
        plain = []
        for n in range(EDITS):
            started = time.perf_counter()
            record = call(server, "PATCH", "/api/tables/investors/records/1",
                          {"expected_version": version, "fields": {"notes": f"note {n}"}})
            plain.append((time.perf_counter() - started) * 1000)
            version = record["version"]
    finally:
        server.stop()

    rows = "\n".join(f"| {label} | {seconds:.1f} s |" for label, seconds in per_field)
    text = f"""## Formula fields over {ROWS:,} investors (bench/formulas.py)

Machine: {machine()}.

Ten formula fields of mixed kinds saved one after another on {ROWS:,} investors; each runs as a
background job (batches of 1,000 records, one write transaction each), timed from the `POST` to
the job's `done`:

| formula field | full recompute |
|---|---|
{rows}

All ten: {total_seconds:.1f} s, {evaluations / total_seconds:,.0f} formula-cell evaluations per second
(read, evaluate, write back; one cell per record and field).

One edit of `check_size_min`, which four formulas read (two through `Double min`), as a `PATCH`
round trip through HTTP: p50 {percentile(edit, 0.5):.1f} ms, p99 {percentile(edit, 0.99):.1f} ms; the
same `PATCH` of `notes`, which no formula reads: p50 {percentile(plain, 0.5):.1f} ms, p99 {percentile(plain, 0.99):.1f} ms
({EDITS} edits each).
"""
    write_section("formulas", text)
    print(text)


if __name__ == "__main__":
    main()
