"""The daemons speak sd_notify as systemd expects, on a notify socket the test provides."""
import signal
import socket
import subprocess
import time

from conftest import BIN_DIR, DAEMONS, base_env, free_port, run


def receive_until(sock, wanted, timeout=15):
    """Collects notify messages until every `wanted` line has been seen at least as often as listed."""
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            data = sock.recv(4096).decode()
        except socket.timeout:
            continue
        seen.extend(line for line in data.split("\n") if line)
        if all(seen.count(line) >= wanted.count(line) for line in set(wanted)):
            return seen
    raise AssertionError(f"expected {wanted}, saw {seen}")


def test_every_daemon_reports_ready_pings_the_watchdog_and_says_stopping(data_dir):
    env = base_env(data_dir)
    assert run("crm-api", "migrate", env=env).returncode == 0
    notify_path = str(data_dir / "notify.sock")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(notify_path)
    sock.settimeout(0.5)
    env.update(NOTIFY_SOCKET=notify_path, WATCHDOG_USEC="400000", CRM_HTTP_PORT=str(free_port()))
    try:
        for daemon in DAEMONS:
            process = subprocess.Popen([str(BIN_DIR / daemon)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                seen = receive_until(sock, ["READY=1", "WATCHDOG=1", "WATCHDOG=1", "WATCHDOG=1"])
                assert seen.index("READY=1") >= 0, daemon
                process.send_signal(signal.SIGTERM)
                receive_until(sock, ["STOPPING=1"])
                assert process.wait(timeout=10) == 0, daemon
            finally:
                if process.poll() is None:
                    process.kill()
            while True:  # drain what is left before the next daemon
                try:
                    sock.recv(4096)
                except socket.timeout:
                    break
    finally:
        sock.close()
