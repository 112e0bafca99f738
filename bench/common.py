"""Helpers shared by the benchmarks: the machine, a server on a temporary data dir, RESULTS.md."""
import datetime
import json
import os
import platform
import re
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

BIN_DIR = Path(os.environ["CRM_BIN_DIR"])
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    memory = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal"))
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    sqlite = subprocess.run(["sqlite3", "--version"], capture_output=True, text=True).stdout.split()[0]
    return (f"{os.cpu_count()} cores ({cpu}), {memory / 1024 / 1024:.0f} GiB, {platform.system()} {platform.release()}, "
            f"SQLite {sqlite}, release build of commit {commit}, "
            f"{datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """crm-api alone on a temporary data dir, with an admin and a Bearer token."""

    password = "a benchmark passphrase"

    def __init__(self, **env):
        self.data_dir = Path(tempfile.mkdtemp(prefix="crm-bench-", dir="/tmp"))
        self.port = free_port()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("CRM_", "SMTP_"))}
        self.env.update(CRM_DATA_DIR=str(self.data_dir), CRM_HTTP_PORT=str(self.port), LOG_LEVEL="warning",
                        CRM_BCRYPT_COST="4", **env)
        self.run("migrate")
        self.run("create-admin", "--email", "bench@example.com", input=self.password + "\n")
        self.database = self.data_dir / "crm.sqlite"
        self.process = None
        self.token = None

    def run(self, *args, input=None):
        subprocess.run([str(BIN_DIR / "crm-api"), *args], env=self.env, input=input, text=True, check=True,
                       capture_output=True)

    def start(self):
        self.process = subprocess.Popen([str(BIN_DIR / "crm-api")], env=self.env, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url("/readyz"), timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        request = urllib.request.Request(self.url("/api/auth/login"), method="POST",
                                         data=json.dumps({"email": "bench@example.com", "password": self.password}).encode(),
                                         headers={"Content-Type": "application/json"})
        cookie = urllib.request.urlopen(request).headers["Set-Cookie"].split(";")[0]
        request = urllib.request.Request(self.url("/api/auth/tokens"), method="POST", data=json.dumps({"name": "bench", "password": self.password}).encode(),
                                         headers={"Content-Type": "application/json", "Cookie": cookie,
                                                  "Origin": f"http://127.0.0.1:{self.port}"})
        self.token = json.loads(urllib.request.urlopen(request).read())["token"]
        return self

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self):
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=30)
        subprocess.run(["rm", "-rf", str(self.data_dir)])


def call(server, method, path, body=None):
    """One JSON request with the server's Bearer token; the parsed answer."""
    request = urllib.request.Request(server.url(path), method=method, data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json", "Authorization": f"Bearer {server.token}"})
    return json.loads(urllib.request.urlopen(request, timeout=600).read())


def wrk(url: str, token: str, seconds: int = 15, connections: int = 8) -> dict:
    """wrk's latency percentiles (ms) and requests per second for GETs of `url`."""
    output = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency",
                             "-H", f"Authorization: Bearer {token}", url], capture_output=True, text=True, check=True).stdout

    def ms(label):
        match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)", output, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"p50": ms("50"), "p99": ms("99"), "rps": rate, "errors": int(errors.group(1)) if errors else 0}


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def write_section(name: str, text: str):
    """Replaces this benchmark's section of RESULTS.md (between its markers), keeping the others."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    current = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n\nWritten by `scripts/bench`.\n"
    block = f"{start}\n{text.rstrip()}\n{end}"
    if start in current:
        current = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: block, current, flags=re.S)
    else:
        current = current.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(current)
