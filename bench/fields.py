"""Changing a custom field's type over 100,000 investors: the preview of what converts and the
change itself, which converts every record (live and deleted) in one write transaction with one
history row each. Writes its RESULTS.md section.
"""
import json
import sqlite3
import sys
import time
import urllib.error
import urllib.request

from common import Server, machine, percentile, write_section

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
RUNS = 3


def call(server, method, path, body=None):
    request = urllib.request.Request(server.url(path), method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", "Authorization": f"Bearer {server.token}"})
    started = time.monotonic()
    try:
        response = urllib.request.urlopen(request, timeout=600)
    except urllib.error.HTTPError as error:
        response = error
    body = json.loads(response.read() or b"null")
    return response.status, body, (time.monotonic() - started) * 1000


def main():
    previews, changes = [], []
    for run in range(RUNS):
        server = Server(CRM_WRITE_RATE_PER_S="100000", CRM_WRITE_BURST="1000000")
        try:
            with sqlite3.connect(server.database) as db:
                db.executemany("INSERT INTO fundraising_investors (name) VALUES (?)", [(f"Investor {n}",) for n in range(1, ROWS + 1)])
            server.start()
            status, body, _ = call(server, "POST", "/api/tables/investors/fields", {"label": "Score", "type": "text"})
            assert status == 201, body
            with sqlite3.connect(server.database) as db:
                db.execute("UPDATE fundraising_investors SET custom = json_set(custom, '$.score', CAST(id * 7 AS TEXT))")
            status, body, took = call(server, "POST", "/api/tables/investors/fields/score/type-preview", {"type": "number"})
            assert status == 200 and body["converted"] == ROWS, body
            previews.append(took)
            status, body, took = call(server, "PATCH", "/api/tables/investors/fields/score", {"type": "number"})
            assert status == 200 and body["type"] == "number", body
            changes.append(took)
            with sqlite3.connect(server.database) as db:
                history = db.execute("SELECT count(*) FROM record_history WHERE field_key = 'score'").fetchone()[0]
            assert history == ROWS, history
        finally:
            server.stop()

    text = f"""## Changing a field's type over {ROWS:,} investors (bench/fields.py)

Machine: {machine()}.

| measure ({RUNS} runs, a text field of whole numbers → number) | p50 | max |
|---|---|---|
| preview (`POST …/fields/score/type-preview`) | {percentile(previews, 0.5):,.0f} ms | {max(previews):,.0f} ms |
| change (`PATCH …/fields/score`, every record converted with its history row) | {percentile(changes, 0.5):,.0f} ms | {max(changes):,.0f} ms |

The change is one write transaction: for its length, other writes in crm-api wait their turn and
the other daemons' writes wait up to SQLite's 5 s busy timeout (the grid keeps and retries an edit
answered 503). A fund's table is far smaller than this; a table of millions would want the
conversion in batches, as formula recomputes run.
"""
    write_section("fields", text)
    print(text)


if __name__ == "__main__":
    main()
