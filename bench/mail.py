"""Outbound mail: 1,000 queued mails through crm-mailer to a local aiosmtpd (STARTTLS + AUTH).

Measures throughput on a burst, and enqueue → accepted latency at a steady rate, once with the
wake-up notification and once with polling alone. Writes its section of bench/RESULTS.md.
"""
import datetime
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "Tests" / "Integration"))
from common import BIN_DIR, free_port, machine, percentile, write_section  # noqa: E402
from smtp_harness import PASSWORD, USERNAME, SMTPServer, make_certificates  # noqa: E402

ADMIN = "bench@example.com"
POLL_ONLY_INTERVAL_S = 5


def environment(data_dir: Path, server: SMTPServer, certificates: dict, poll_s: float) -> dict:
    return {
        "PATH": "/usr/bin:/bin", "CRM_DATA_DIR": str(data_dir), "CRM_BCRYPT_COST": "4", "LOG_LEVEL": "warning",
        "CRM_POLL_INTERVAL_S": str(poll_s), "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(server.port),
        "SMTP_FROM": "CRM <crm@fund.example>", "SMTP_USER": USERNAME, "SMTP_PASS": PASSWORD,
        "SMTP_SECURITY": "starttls", "SMTP_CA_FILE": str(certificates["ca"]),
    }


def run(binary, *args, env, input=None):
    result = subprocess.run([str(BIN_DIR / binary), *args], env=env, input=input, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def enqueue(env: dict, count: int, every_ms: int = 0, wake: bool = True):
    args = ["--database", f"{env['CRM_DATA_DIR']}/crm.sqlite", "--run-dir", f"{env['CRM_DATA_DIR']}/run",
            "--to", ADMIN, "--count", str(count), "--every-ms", str(every_ms)]
    run("crm-testkit", "enqueue-mail", *args, *([] if wake else ["--no-wake"]), env=env)


def created_at(data_dir: Path) -> dict[str, float]:
    with sqlite3.connect(data_dir / "crm.sqlite") as db:
        rows = db.execute("SELECT message_id, created_at FROM outbound_mail").fetchall()
    parse = lambda text: datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.timezone.utc).timestamp()  # noqa: E731
    return {message_id: parse(created) for message_id, created in rows}


def scenario(certificates: dict, count: int, every_ms: int, wake: bool, poll_s: float) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix="crm-bench-mail-", dir="/tmp"))
    server = SMTPServer(certificates, free_port()).start()
    env = environment(data_dir, server, certificates, poll_s)
    run("crm-api", "migrate", env=env)
    run("crm-api", "create-admin", "--email", ADMIN, env=env, input="a benchmark passphrase\n")
    mailer = subprocess.Popen([str(BIN_DIR / "crm-mailer"), "serve"], env=env, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while not (data_dir / "run" / "crm-mailer.sock").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        started = time.time()
        enqueue(env, count, every_ms, wake)
        deadline = time.monotonic() + 600
        while len(server.messages()) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        received = server.messages()
        queued = created_at(data_dir)
        latencies = [(m["at"] - queued[m["message"]["Message-ID"]]) * 1000 for m in received]
        elapsed = max(m["at"] for m in received) - started
        return {"delivered": len(received), "rate": len(received) / elapsed, "p50": percentile(latencies, 0.5),
                "p99": percentile(latencies, 0.99)}
    finally:
        mailer.send_signal(signal.SIGTERM)
        mailer.wait(timeout=30)
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)


def main():
    certificates = make_certificates(Path(tempfile.mkdtemp(prefix="crm-bench-ca-")))
    burst = scenario(certificates, 1000, 0, True, 30)
    woken = scenario(certificates, 200, 50, True, 30)
    polled = scenario(certificates, 200, 50, False, POLL_ONLY_INTERVAL_S)
    row = lambda name, r: f"| {name} | {r['delivered']} | {r['rate']:.0f}/s | {r['p50']:.0f} ms | {r['p99']:.0f} ms |"  # noqa: E731
    text = f"""## Outbound mail (bench/mail.py)

Machine: {machine()}.

crm-mailer (release) → aiosmtpd on loopback, STARTTLS + AUTH PLAIN, one connection per mail (as
libcurl's easy interface without connection reuse does). Latency is from the row's `created_at`
to the server's acceptance of DATA.

| scenario | delivered | throughput | enqueue→accepted p50 | p99 |
|---|---|---|---|---|
{row("burst of 1,000, woken", burst)}
{row("200 at 20/s, woken by `outbound`", woken)}
{row(f"200 at 20/s, polling only (every {POLL_ONLY_INTERVAL_S} s)", polled)}
"""
    write_section("mail", text)
    print(text)


if __name__ == "__main__":
    main()
