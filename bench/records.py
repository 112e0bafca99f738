"""Issue 5's benchmark: 100,000 investors with 20 custom fields, through HTTP.

Measures the first and a deep records page (p50/p99 with wrk), PATCH throughput with four
concurrent writers, and GET /api/fundraising/state time and size; writes bench/RESULTS.md.
"""
import http.client
import json
import random
import sqlite3
import statistics
import subprocess
import threading
import time

from common import Server, machine, percentile, wrk, write_section

INVESTORS = 100_000
STAGES = ["prospect", "intro", "meeting", "diligence", "soft_circle", "committed", "closed", "passed"]
CUSTOM = ([("text", f"Text {i}") for i in range(5)] + [("number", f"Number {i}") for i in range(5)]
          + [("single_select", f"Select {i}") for i in range(3)] + [("date", f"Date {i}") for i in range(3)]
          + [("checkbox", f"Flag {i}") for i in range(2)] + [("currency", f"Amount {i}") for i in range(2)])


def seed(database):
    random.seed(7)
    db = sqlite3.connect(database)
    keys = []
    for position, (kind, label) in enumerate(CUSTOM, start=100):
        key = label.lower().replace(" ", "_")
        options = json.dumps({"choices": ["Low", "Medium", "High"]}) if kind == "single_select" else "{}"
        db.execute("INSERT INTO fundraising_fields (table_name, key, label, type, options, position) VALUES (?, ?, ?, ?, ?, ?)",
                   ("investors", key, label, kind, options, position))
        keys.append((kind, key))

    def value(kind):
        return {"text": lambda: f"note {random.randint(0, 10**6)}", "number": lambda: random.randint(0, 10**6),
                "single_select": lambda: random.choice(["Low", "Medium", "High"]),
                "date": lambda: f"2026-{random.randint(1, 12):02d}-{random.randint(1, 28):02d}",
                "checkbox": lambda: random.random() < 0.5, "currency": lambda: random.randint(0, 10**8) / 100}[kind]()

    db.executemany(
        "INSERT INTO fundraising_investors (name, stage, check_size_min, tags, custom) VALUES (?, ?, ?, ?, ?)",
        ((f"Investor {i:06d}", random.choice(STAGES), random.randint(1, 500) * 10_000_00,
          json.dumps(random.sample(["europe", "us", "asia", "warm", "cold"], 2)),
          json.dumps({key: value(kind) for kind, key in keys})) for i in range(INVESTORS)))
    db.commit()
    db.close()


def patch_throughput(server, seconds=10, writers=4):
    latencies, lock = [], threading.Lock()
    deadline = time.monotonic() + seconds

    def writer(offset):
        connection = http.client.HTTPConnection("127.0.0.1", server.port)
        versions = {}
        record = offset
        while time.monotonic() < deadline:
            record = record + writers if record + writers <= INVESTORS else offset
            body = json.dumps({"expected_version": versions.get(record, 1),
                               "fields": {"stage": random.choice(STAGES), "number_0": random.randint(0, 1000)}})
            started = time.perf_counter()
            connection.request("PATCH", f"/api/tables/investors/records/{record}", body,
                               {"Content-Type": "application/json", "Authorization": f"Bearer {server.token}"})
            response = connection.getresponse()
            payload = json.loads(response.read())
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status == 200, payload
            versions[record] = payload["version"]
            with lock:
                latencies.append(elapsed)

    threads = [threading.Thread(target=writer, args=(i + 1,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"rps": len(latencies) / seconds, "p50": percentile(latencies, 0.5), "p99": percentile(latencies, 0.99),
            "count": len(latencies)}


def state_get(server, runs=3):
    times, size = [], 0
    for _ in range(runs):
        output = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{time_total} %{size_download}",
                                 "-H", f"Authorization: Bearer {server.token}", server.url("/api/fundraising/state")],
                                capture_output=True, text=True, check=True).stdout.split()
        times.append(float(output[0]))
        size = int(output[1])
    return {"median_s": statistics.median(times), "best_s": min(times), "bytes": size}


def main():
    server = Server(CRM_WRITE_RATE_PER_S="100000", CRM_WRITE_BURST="100000")
    try:
        started = time.monotonic()
        seed(server.database)
        seeded = time.monotonic() - started
        server.start()
        first = wrk(server.url("/api/tables/investors/records?limit=100"), server.token)
        deep = wrk(server.url("/api/tables/investors/records?limit=100&cursor=95000"), server.token)
        patches = patch_throughput(server)
        state = state_get(server)
    finally:
        server.stop()
    text = f"""## Records and grid state (issue 5)

Machine: {machine()}.

100,000 investors, each with 20 custom fields (5 text, 5 number, 3 single select, 3 date, 2
checkbox, 2 currency) in its `custom` JSON; seeded with SQL in {seeded:.1f} s. crm-api alone, HTTP
on loopback, Bearer token, write limit raised for the run.

| what | p50 | p99 | throughput |
| --- | --- | --- | --- |
| `GET …/records?limit=100` (first page, with total), wrk 2 threads × 8 connections, 15 s | {first['p50']:.1f} ms | {first['p99']:.1f} ms | {first['rps']:.0f} pages/s |
| the same from `cursor=95000` (keyset, deep) | {deep['p50']:.1f} ms | {deep['p99']:.1f} ms | {deep['rps']:.0f} pages/s |
| `PATCH …/records/:id` (two fields, history rows, version bump), 4 writers, 10 s | {patches['p50']:.1f} ms | {patches['p99']:.1f} ms | {patches['rps']:.0f} writes/s ({patches['count']} in all) |

`GET /api/fundraising/state` (every live record and field of the four tables): median
{state['median_s']:.2f} s, best {state['best_s']:.2f} s, {state['bytes'] / 1024 / 1024:.1f} MiB.

Non-2xx responses during the page runs: {first['errors'] + deep['errors']}.
"""
    write_section("records", text)
    print(text)


if __name__ == "__main__":
    main()
