"""A 100,000-row, 30-column Airtable-style CSV export imported with `crm-api import` (plan, commit,
the same file again) and over HTTP (an upload that runs as a job), against `sqlite3 .import` and
`sqlite-utils insert --csv` on the same file, in the same run: wall time and peak memory of each.
Writes its RESULTS.md section.
"""
import csv
import io
import json
import random
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

from common import BIN_DIR, Server, machine, write_section

READING = ("The CRM's import reads every cell into its field's type, checks it, finds each row's record by key, and on commit writes each record with its history (about 25 rows per investor here) in one transaction; a second run reads each matched record back to compare, keeping only keys in memory. sqlite3's `.import` copies text into one table. The file streams, so peak memory grows with the values kept for type inference, not with the file.")
ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
STAGES = ["Prospect", "Intro", "Meeting", "Diligence", "Soft circle", "Committed", "Closed", "Passed"]
TAGS = ["ML", "SaaS", "Fintech", "Acme, Inc.", "Europe", "longshot", "say \"hi\""]


def items(values):
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(values)
    return out.getvalue()


def write_export(path: Path, rows: int):
    """Name, 10 columns that match built-in fields and 19 custom ones, as Airtable writes them."""
    rng = random.Random(11)
    header = ["Name", "Stage", "Type", "Tags", "Check size min", "Check size max", "Website", "Location", "Next step date",
              "Last contacted", "Notes"] + [f"Custom {i}" for i in range(19)]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        handle.write("\ufeff")
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(header)
        for row in range(rows):
            custom = []
            for i in range(19):
                kind = i % 6
                custom.append(str(rng.randint(0, 10**6)) if kind == 0
                              else f"${rng.randint(0, 10**7):,}.00" if kind == 1
                              else f"{rng.randint(0, 100)}%" if kind == 2
                              else f"{rng.randint(1, 12)}/{rng.randint(13, 28)}/2025" if kind == 3
                              else rng.choice(["checked", ""]) if kind == 4
                              else f"free text {rng.randint(0, 10**6)}, with a comma")
            writer.writerow([
                f"Investor {row:06d}", rng.choice(STAGES), rng.choice(["Family office", "Endowment", "Pension", ""]),
                items(rng.sample(TAGS, rng.randint(0, 3))), f"${rng.randint(1, 500) * 10_000:,}.00",
                f"${rng.randint(500, 1000) * 10_000:,}.00", f"https://investor{row}.example", "Zürich, CH",
                f"{rng.randint(1, 12)}/{rng.randint(13, 28)}/2026", f"{rng.randint(1, 12)}/{rng.randint(13, 28)}/2025 3:04pm",
                "Met at \"SaaStr\".\nFollow up, soon." if row % 3 == 0 else "",
            ] + custom)


def measured(args, env=None, stdin=None):
    """Wall seconds and peak resident memory (MiB) of one process, via GNU time."""
    start = time.monotonic()
    result = subprocess.run(["/usr/bin/time", "-f", "%M", *args], env=env, capture_output=True, text=True, input=stdin)
    seconds = time.monotonic() - start
    if result.returncode != 0:
        raise RuntimeError(f"{args[0]} failed: {result.stderr[-2000:]}")
    peak_kib = int(result.stderr.strip().splitlines()[-1])
    return seconds, peak_kib / 1024, result.stdout


def multipart(fields, path):
    boundary = "bench-" + uuid.uuid4().hex
    body = b"".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode() for k, v in fields.items())
    body += (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n\r\n').encode()
    body += path.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def http_import(path: Path):
    """Seconds from the upload's first byte to its job's end, through a release crm-api."""
    server = Server().start()
    try:
        body, content_type = multipart({"table": "investors", "create_fields": "true",
                                        "date_orders": json.dumps({f"Custom {i}": "month_first" for i in range(3, 19, 6)})}, path)
        headers = {"Content-Type": content_type, "Authorization": f"Bearer {server.token}"}
        start = time.monotonic()
        reply = urllib.request.urlopen(urllib.request.Request(server.url("/api/import/csv"), data=body, headers=headers,
                                                              method="POST"), timeout=600)
        started = json.loads(reply.read())
        job = started.get("job_id")
        while job:
            request = urllib.request.Request(server.url(f"/api/import/jobs/{job}"), headers={"Authorization": f"Bearer {server.token}"})
            state = json.loads(urllib.request.urlopen(request).read())
            if state["status"] != "running":
                assert state["status"] == "succeeded", state.get("error", {}).get("message")
                return time.monotonic() - start, state["plan"]["created"], reply.status
            time.sleep(0.05)
        return time.monotonic() - start, started["created"], reply.status
    finally:
        server.stop()


def main():
    work = Path(tempfile.mkdtemp(prefix="crm-bench-import-", dir="/tmp"))
    path = work / "Investors-Grid view.csv"
    write_export(path, ROWS)
    size_mb = path.stat().st_size / 1024 / 1024
    server = Server()  # a migrated data dir with an admin; crm-api import runs against it
    env = dict(server.env)
    orders = [arg for i in range(3, 19, 6) for arg in ("--date-order", f"Custom {i}=month_first")]
    args = [str(BIN_DIR / "crm-api"), "import", "--table", "investors", "--create-fields", *orders, str(path)]
    results = {}
    results["crm-api import --dry-run"] = measured([*args[:5], "--dry-run", *args[5:]], env)
    results["crm-api import (commit)"] = measured(args, env)
    results["crm-api import, same file again"] = measured(args, env)
    with_plan = results["crm-api import, same file again"][2]
    assert f"0 created, 0 updated, {ROWS} unchanged" in with_plan, with_plan
    server.stop()

    sqlite_db = work / "sqlite3.db"
    results["sqlite3 .import --csv"] = measured(["sqlite3", str(sqlite_db), f".import --csv '{path}' investors"])
    utils_db = work / "sqlite-utils.db"
    results["sqlite-utils insert --csv"] = measured(["sqlite-utils", "insert", str(utils_db), "investors", str(path), "--csv"])
    http_seconds, created, status = http_import(path)
    assert created == ROWS

    base = results["sqlite3 .import --csv"][0]
    lines = [
        "## CSV import (`bench/import.py`)", "",
        f"Machine: {machine()}.", "",
        f"An Airtable-style export of {ROWS:,} investors × 30 columns ({size_mb:.1f} MB: BOM, CRLF, quoted commas, quotes and "
        "line breaks, currency, percent, dates, date-times, checkboxes, multi-selects); the commit creates 19 typed custom "
        "fields and writes one history row per non-empty value. The plain loaders store every cell as text, with no "
        "matching, validation, history or upsert.", "",
        "| loader | wall time | × sqlite3 | peak memory |", "| --- | --- | --- | --- |",
    ]
    for name, (seconds, peak, _) in results.items():
        lines.append(f"| {name} | {seconds:.2f} s | {seconds / base:.1f} | {peak:.0f} MiB |")
    lines.append(f"| HTTP upload (status {status}, a job) to its end, commit | {http_seconds:.2f} s | {http_seconds / base:.1f} | — |")
    lines += ["", READING]
    write_section("import", "\n".join(lines))
    print("\n".join(lines))
    subprocess.run(["rm", "-rf", str(work)])


if __name__ == "__main__":
    main()
