"""Slow clients cannot hold the server: a connection that never finishes its headers is closed
after the idle timeout, and past the connection cap new clients wait instead of exhausting the
process's descriptors (hardening finding 7)."""
import socket
import time
import urllib.error
import urllib.request

from conftest import wait_until


def slow_client(port: int) -> socket.socket:
    """A client that starts a request and never finishes its headers (slowloris)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    return sock


def closed_by_server(sock: socket.socket, within: float) -> bool:
    sock.settimeout(within)
    try:
        return sock.recv(1024) == b""
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def healthy(stack, timeout: float) -> bool:
    try:
        with urllib.request.urlopen(stack.url("/healthz"), timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, TimeoutError, ConnectionError):
        return False


def test_a_connection_that_never_finishes_its_headers_is_closed(start_stack):
    stack = start_stack(CRM_HTTP_IDLE_TIMEOUT_S="1").wait_ready()
    sock = slow_client(stack.port)
    started = time.monotonic()
    assert closed_by_server(sock, within=8), "the server closed the half-sent request"
    assert time.monotonic() - started >= 0.5
    # A client that keeps its connection open between requests is closed the same way.
    idle = socket.create_connection(("127.0.0.1", stack.port), timeout=10)
    idle.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    assert b"200" in idle.recv(4096).split(b"\r\n")[0]
    assert closed_by_server(idle, within=8)


def test_past_the_connection_cap_clients_wait_and_are_served_once_one_closes(start_stack):
    stack = start_stack(CRM_HTTP_MAX_CONNECTIONS="8", CRM_HTTP_IDLE_TIMEOUT_S="60").wait_ready()
    wait_until(lambda: healthy(stack, 2), 10, message="the server answers")
    held = [slow_client(stack.port) for _ in range(8)]
    time.sleep(0.5)
    assert not healthy(stack, 1.5), "the ninth client waits while eight are held"
    held.pop().close()
    assert wait_until(lambda: healthy(stack, 2), 10, message="served once a slot frees")
    for sock in held:
        sock.close()


def test_an_open_event_stream_outlives_the_idle_timeout(start_stack):
    from conftest import run
    from test_accounts import PASSWORD, Browser
    from test_events import EventStream

    stack = start_stack(CRM_HTTP_IDLE_TIMEOUT_S="1")
    assert run("crm-api", "create-admin", "--email", "root@example.com", env=stack.env, input=PASSWORD + "\n").returncode == 0
    stack.wait_ready()
    browser = Browser(stack)
    assert browser.call("POST", "/api/auth/login", {"email": "root@example.com", "password": PASSWORD})[0] == 200
    stream = EventStream(stack, browser.cookie)
    time.sleep(2.5)
    status, record, _ = browser.call("POST", "/api/tables/investors/records", {"fields": {"name": "Acme"}})
    assert status == 201
    assert stream.next_record_event()["data"]["record_id"] == record["id"], "an answer in progress is not idle"
