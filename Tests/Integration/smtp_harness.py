"""A real SMTP server for the mailer's tests: aiosmtpd on loopback, with a throwaway CA.

Security: "starttls" (upgrade required before AUTH or MAIL), "tls" (implicit) or "none".
Modes: "accept"; "defer_first" (451 on a message's first DATA, then accept); "reject" (550);
"always_defer" (451 forever); "hang_first" (the first DATA never answers in time: the server has the
whole message); "hang_first_rcpt" (the first RCPT never answers in time: no message was sent).
"""
import asyncio
import email
import email.policy
import socket
import ssl
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USERNAME = "crm@fund.example"
PASSWORD = "smtp-Pässword-7f3!"


def make_certificates(directory: Path) -> dict:
    """A CA and a server certificate for 127.0.0.1 and localhost, signed by it."""
    ca_key, ca_cert = directory / "ca.key", directory / "ca.pem"
    key, csr, cert = directory / "server.key", directory / "server.csr", directory / "server.pem"
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
    subprocess.run(["openssl", "req", "-x509", *ec, "-keyout", ca_key, "-out", ca_cert, "-days", "2",
                    "-subj", "/CN=CRM Test CA"], check=True, capture_output=True)
    subprocess.run(["openssl", "req", *ec, "-keyout", key, "-out", csr, "-subj", "/CN=localhost"],
                   check=True, capture_output=True)
    extensions = directory / "san.cnf"
    extensions.write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    subprocess.run(["openssl", "x509", "-req", "-in", csr, "-CA", ca_cert, "-CAkey", ca_key, "-CAcreateserial",
                    "-out", cert, "-days", "2", "-extfile", extensions], check=True, capture_output=True)
    return {"ca": ca_cert, "cert": cert, "key": key}


class Handler:
    def __init__(self, server: "SMTPServer"):
        self.server = server

    async def handle_RCPT(self, smtp, session, envelope, address, rcpt_options):
        with self.server.lock:
            self.server.rcpt_calls += 1
            first = self.server.rcpt_calls == 1
        if self.server.mode == "hang_first_rcpt" and first:
            self.server.hanging.set()
            await asyncio.sleep(60)
            return "451 4.3.0 Too slow"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, smtp, session, envelope):
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        message_id = message["Message-ID"]
        with self.server.lock:
            self.server.data_attempts[message_id] += 1
            attempt = self.server.data_attempts[message_id]
        mode = self.server.mode
        if mode == "reject":
            return "550 5.7.1 Refused: the secret word is " + PASSWORD
        if mode == "always_defer" or (mode == "defer_first" and attempt == 1):
            return "451 4.3.0 Try again later"
        if mode == "hang_first" and attempt == 1:
            self.server.hanging.set()
            await asyncio.sleep(60)
            return "451 4.3.0 Too slow"
        with self.server.lock:
            self.server.received.append({"envelope_from": envelope.mail_from, "rcpt_tos": list(envelope.rcpt_tos),
                                         "raw": raw, "message": message, "auth": session.auth_data,
                                         "at": time.time()})
        return "250 2.0.0 Accepted"


class SMTPServer:
    def __init__(self, certificates: dict, port: int, security: str = "starttls", mode: str = "accept",
                 password: str = PASSWORD, exclude_mechanisms: tuple = ()):
        self.port, self.security, self.mode, self.password = port, security, mode, password
        self.lock = threading.Lock()
        self.received: list[dict] = []
        self.data_attempts: Counter = Counter()
        self.auth_failures = 0
        self.rcpt_calls = 0
        self.mechanisms_used: list[str] = []
        self.hanging = threading.Event()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(certificates["cert"], certificates["key"])
        kwargs = dict(authenticator=self.authenticate, auth_required=True,
                      auth_exclude_mechanism=list(exclude_mechanisms))
        if security == "starttls":
            kwargs.update(tls_context=context, require_starttls=True, auth_require_tls=True)
        elif security == "tls":
            kwargs.update(ssl_context=context, auth_require_tls=False)
        else:
            kwargs.update(auth_require_tls=False)
        self.controller = Controller(Handler(self), hostname="127.0.0.1", port=port, server_hostname="localhost",
                                     ready_timeout=10, **kwargs)

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        with self.lock:
            self.mechanisms_used.append(mechanism)
        ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == USERNAME \
            and auth_data.password.decode() == self.password
        if not ok:
            with self.lock:
                self.auth_failures += 1
        # handled=False: aiosmtpd then answers 535 itself.
        return AuthResult(success=True, auth_data=auth_data) if ok else AuthResult(success=False, handled=False)

    def start(self):
        if self.security == "tls":
            # aiosmtpd's readiness probe wraps with the server's own context; probe as a client.
            self.controller._trigger_server = self._probe_tls
        self.controller.start()
        return self

    def _probe_tls(self):
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        with socket.create_connection(("127.0.0.1", self.port), timeout=5) as raw:
            with context.wrap_socket(raw) as tls:
                tls.recv(1024)

    def stop(self):
        self.controller.stop()

    def messages(self) -> list[dict]:
        with self.lock:
            return list(self.received)
