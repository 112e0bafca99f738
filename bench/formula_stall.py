"""The outside review's formula stall (docs/RELIABILITY.md, finding 1): three investors with a
32,000-character note and a 16,000-character next step that almost matches it everywhere, then a
FIND formula field over them, while a second client PATCHes another investor. Before the fix the
field's save took 10 s and the PATCH waited 10 s (debug build). Writes its RESULTS.md section.
"""
import os
import sqlite3
import threading
import time

from common import Server, call, machine, write_section

NOTE = "a" * 32_000
NEEDLE = "a" * 15_999 + "b"



def main():
    server = Server(CRM_WRITE_RATE_PER_S="100000", CRM_WRITE_BURST="1000000")
    try:
        with sqlite3.connect(server.database) as db:
            db.executemany("INSERT INTO fundraising_investors (id, name, notes, next_step) VALUES (?, ?, ?, ?)",
                           [(row, f"Investor {row}", NOTE, NEEDLE) for row in range(1, 4)])
            db.execute("INSERT INTO fundraising_investors (id, name) VALUES (4, 'Bystander')")
            db.commit()
        server.start()
        waits = []
        stop = threading.Event()

        def patcher():
            version = call(server, "GET", "/api/tables/investors/records/4")["version"]
            while not stop.is_set():
                started = time.perf_counter()
                version = call(server, "PATCH", "/api/tables/investors/records/4",
                               {"expected_version": version, "fields": {"location": f"x{len(waits)}"}})["version"]
                waits.append((time.perf_counter() - started) * 1000)

        thread = threading.Thread(target=patcher)
        thread.start()
        time.sleep(0.5)
        started = time.perf_counter()
        field = call(server, "POST", "/api/tables/investors/fields",
                     {"label": "Found at", "type": "formula", "formula": "FIND({Next step}, {Notes})"})
        save = time.perf_counter() - started
        time.sleep(0.5)
        stop.set()
        thread.join()
        record = call(server, "GET", "/api/tables/investors/records/1")
        result = record["fields"][field["key"]]
    finally:
        server.stop()

    build = os.environ.get("CRM_BENCH_BUILD", "release")
    text = f"""## A slow formula does not stall the writers (bench/formula_stall.py)

Machine: {machine().replace("release build", f"{build} build")}.

The review's case (three 32,000-character notes, a 16,000-character needle, `FIND` as a new
formula field) while another client PATCHes a fourth investor in a loop: the field's save took
{save * 1000:.0f} ms (result {result}); the concurrent PATCHes took p50
{sorted(waits)[len(waits) // 2]:.1f} ms and at most {max(waits):.1f} ms ({len(waits)} PATCHes). The review
measured 10 s for the save and a 10 s wait for the PATCH (debug build, before the fix).
"""
    write_section("formula_stall", text)
    print(text)


if __name__ == "__main__":
    main()
