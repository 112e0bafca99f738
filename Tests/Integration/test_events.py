"""Server-sent events over real HTTP, fed by crm-api's own writes and by another process."""
import json
import signal
import subprocess
import time
import urllib.error
import urllib.request

from conftest import BIN_DIR, run
from test_accounts import PASSWORD, Browser


class EventStream:
    """Reads `text/event-stream` line by line."""

    def __init__(self, stack, cookie, last_event_id=None, path="/api/events"):
        request = urllib.request.Request(stack.url(path))
        request.add_header("Cookie", cookie)
        if last_event_id is not None:
            request.add_header("Last-Event-ID", str(last_event_id))
        self.response = urllib.request.urlopen(request, timeout=15)
        assert self.response.headers["Content-Type"] == "text/event-stream"

    def next_event(self):
        event = {}
        while True:
            line = self.response.readline().decode()
            assert line, "the stream ended"
            line = line.rstrip("\n")
            if line == "":
                if "data" in event:
                    event["data"] = json.loads(event["data"])
                    return event
                event = {}
            elif not line.startswith(":"):
                key, _, value = line.partition(": ")
                event[key] = value

    def next_record_event(self):
        while True:
            event = self.next_event()
            if event["event"] == "record":
                return event


def signed_in(start_stack):
    stack = start_stack()
    created = run("crm-api", "create-admin", "--email", "root@example.com", env=stack.env, input=PASSWORD + "\n")
    assert created.returncode == 0, created.stderr
    stack.wait_ready()
    browser = Browser(stack)
    status, _, _ = browser.call("POST", "/api/auth/login", {"email": "root@example.com", "password": PASSWORD})
    assert status == 200
    return stack, browser


def test_a_client_sees_another_clients_write_and_a_second_processes_write(start_stack, data_dir):
    stack, browser = signed_in(start_stack)
    stream = EventStream(stack, browser.cookie)

    status, record, _ = browser.call("POST", "/api/tables/investors/records", {"fields": {"name": "Acme"}})
    assert status == 201
    event = stream.next_record_event()
    assert event["data"]["table"] == "investors"
    assert event["data"]["record_id"] == record["id"]
    assert event["data"]["actions"] == ["create"]
    first_id = int(event["id"])

    made = subprocess.run([str(BIN_DIR / "crm-testkit"), "create-investor", "--database", str(data_dir / "crm.sqlite"),
                           "--run-dir", str(data_dir / "run"), "--name", "From another process"],
                          env=stack.env, capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip().endswith("woke true"), made.stdout
    event = stream.next_record_event()
    assert event["data"]["record_id"] == record["id"] + 1
    assert int(event["id"]) > first_id

    # A client that was away resumes with Last-Event-ID and gets what it missed.
    resumed = EventStream(stack, browser.cookie, last_event_id=first_id)
    replayed = resumed.next_record_event()
    assert replayed["data"]["record_id"] == record["id"] + 1

    # A stream the page opens anew (after signing in again) names the last event in the query.
    reopened = EventStream(stack, browser.cookie, path=f"/api/events?last_event_id={first_id}")
    assert reopened.next_record_event()["data"]["record_id"] == record["id"] + 1


def test_sigterm_with_an_open_stream_still_stops_quickly(start_stack):
    stack, browser = signed_in(start_stack)
    stream = EventStream(stack, browser.cookie)
    started = time.monotonic()
    stack.process.send_signal(signal.SIGTERM)
    assert stack.process.wait(timeout=10) in (0, 143)
    assert time.monotonic() - started < 10
    stream.response.close()


def test_anonymous_clients_get_no_stream(start_stack):
    stack = start_stack().wait_ready()
    try:
        urllib.request.urlopen(stack.url("/api/events"), timeout=5)
        raise AssertionError("an anonymous stream was opened")
    except urllib.error.HTTPError as error:
        assert error.code == 401
