"""A fake Google (OAuth token endpoint and Gmail API) on loopback, as strict as the real one.

Written from Google's documentation of the service-account flow and the Gmail API v1: the token
endpoint verifies the RS256 assertion against the key's public half and checks every claim (iss,
aud = its own token URL, iat/exp against its clock, sub a live user of the domain, each scope
known and delegated), answering in Google's OAuth error shape; Gmail checks the bearer token,
that the mailbox is the token's subject, and the token's scopes, answering in Google's error
shape. Any call to a send endpoint is recorded as a violation, which the test fixture turns into
a failure. Tests script failures per path and user ("fail N times"), skew the clock, and read
what was asked (token requests per user, every request).
"""
import base64
import email
import email.policy
import json
import re
import secrets
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"
READONLY = "https://www.googleapis.com/auth/gmail.readonly"
COMPOSE = "https://www.googleapis.com/auth/gmail.compose"
KNOWN_SCOPES = {READONLY, COMPOSE, "https://www.googleapis.com/auth/gmail.metadata",
                "https://www.googleapis.com/auth/gmail.modify", "https://mail.google.com/"}
# Which scopes each Gmail method accepts (the discovery document's lists, for the methods served).
METHOD_SCOPES = {
    "profile": {READONLY, COMPOSE, "https://www.googleapis.com/auth/gmail.metadata",
                "https://www.googleapis.com/auth/gmail.modify", "https://mail.google.com/"},
}
UNAUTHORIZED_CLIENT = ("Client is unauthorized to retrieve access tokens using this method, or client not "
                       "authorized for any of the scopes requested.")
SHORT_LIVED = ("Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check "
               "your 'iat' and 'exp' values and use a clock with skew to account for clock differences between systems.")


def b64url_decode(text: str) -> bytes:
    if "=" in text or not re.fullmatch(r"[A-Za-z0-9_-]*", text):
        raise ValueError("not unpadded base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class ServiceAccount:
    """A service account key pair and the key file Google would hand out for it."""
    client_email: str = "crm-sync@fund-crm.iam.gserviceaccount.com"
    client_id: str = "104857600123456789012"
    key_id: str = field(default_factory=lambda: secrets.token_hex(20))
    private_key: rsa.RSAPrivateKey = field(default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048))

    def pem(self) -> str:
        return self.private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                              serialization.NoEncryption()).decode()

    def key_file(self, token_uri: str, **overrides) -> str:
        key = {"type": "service_account", "project_id": "fund-crm", "private_key_id": self.key_id,
               "private_key": self.pem(), "client_email": self.client_email, "client_id": self.client_id,
               "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": token_uri,
               "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
               "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/crm-sync",
               "universe_domain": "googleapis.com"}
        key.update(overrides)
        return json.dumps({k: v for k, v in key.items() if v is not None})


@dataclass
class Message:
    id: str
    thread_id: str
    raw: bytes
    labels: list
    internal_date: int  # milliseconds since 1970
    history_id: int


@dataclass
class Mailbox:
    address: str
    suspended: bool = False
    # "mail service off" for this user: Gmail answers 400 failedPrecondition.
    gmail_off: bool = False
    history_id: int = 1000
    messages: dict = field(default_factory=dict)
    # (history id, message id) of each message added, oldest first.
    history: list = field(default_factory=list)
    # History ids at or below this are gone: history.list from them answers 404.
    horizon: int = 0

    @property
    def messages_total(self) -> int:
        return len(self.messages)


class FakeGoogle:
    def __init__(self, account: ServiceAccount, users: list[str], delegated: set[str] | None = None):
        self.account = account
        self.mailboxes = {address.lower(): Mailbox(address.lower()) for address in users}
        # The scopes the Workspace admin authorised for the client id (domain-wide delegation).
        self.delegated = {READONLY, COMPOSE} if delegated is None else delegated
        self.disabled_keys: set[str] = set()
        self.clock_skew = 0.0
        self.expires_in = 3599
        self.tokens: dict[str, dict] = {}
        self.token_requests: Counter = Counter()
        self.requests: list[dict] = []
        self.send_violations: list[str] = []
        self.failures: list[dict] = []
        self.page_size = 100
        self.pages: dict[str, dict] = {}
        # (mailbox, message id) of every format=full fetch: what was read beyond its headers.
        self.body_fetches: list[tuple[str, str]] = []
        # Quota units a mailbox may spend a minute (Google's current table: 6,000), and spent.
        self.quota_per_minute = 6000
        self.spent: dict[str, list] = {}
        # Units each mailbox spent in all, and the requests refused for quota (429).
        self.units_spent: Counter = Counter()
        self.quota_refusals: Counter = Counter()
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def token_uri(self) -> str:
        return f"{self.base}/token"

    def start(self) -> "FakeGoogle":
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def now(self) -> float:
        return time.time() + self.clock_skew

    def fail(self, path: str, status: int, body: dict, times: int = 1, user: str | None = None, headers: dict | None = None):
        """Answers the next `times` requests whose path contains `path` (for `user`, if given) with this."""
        with self.lock:
            self.failures.append({"path": path, "status": status, "body": body, "times": times, "user": user,
                                  "headers": headers or {}})

    def scripted(self, path: str, user: str | None):
        with self.lock:
            for failure in self.failures:
                if failure["times"] > 0 and failure["path"] in path and failure["user"] in (None, user):
                    failure["times"] -= 1
                    return failure
        return None

    # MARK: Mailbox contents

    def deliver(self, user: str, raw: bytes | str, labels=("INBOX",), when: float | None = None,
                thread_id: str | None = None) -> str:
        """Adds a message (raw RFC 5322) to a mailbox, as arriving mail or, with SENT, as sent mail."""
        mailbox = self.mailboxes[user]
        with self.lock:
            mailbox.history_id += secrets.randbelow(5) + 1
            message_id = secrets.token_hex(8)
            mailbox.messages[message_id] = Message(
                id=message_id, thread_id=thread_id or message_id, raw=raw.encode() if isinstance(raw, str) else raw,
                labels=list(labels), internal_date=int((when if when is not None else self.now()) * 1000),
                history_id=mailbox.history_id)
            mailbox.history.append((mailbox.history_id, message_id))
        return message_id

    def delete(self, user: str, message_id: str):
        with self.lock:
            self.mailboxes[user].messages.pop(message_id, None)

    def expire_history(self, user: str):
        """Google keeps history for a limited time: everything up to now is gone."""
        mailbox = self.mailboxes[user]
        with self.lock:
            mailbox.horizon = mailbox.history_id

    def charge(self, user: str, units: int) -> bool:
        """Spends quota units for a mailbox; False when its minute's budget is spent."""
        now = self.now()
        with self.lock:
            window = [(at, cost) for at, cost in self.spent.get(user, []) if at > now - 60]
            if sum(cost for _, cost in window) + units > self.quota_per_minute:
                self.spent[user] = window
                self.quota_refusals[user] += 1
                return False
            window.append((now, units))
            self.spent[user] = window
            self.units_spent[user] += units
            return True

    # MARK: Token endpoint

    def exchange(self, content_type: str, body: bytes) -> tuple[int, dict]:
        def refuse(error: str, description: str, status: int = 400):
            return status, {"error": error, "error_description": description}

        if content_type.split(";")[0].strip() != "application/x-www-form-urlencoded":
            return refuse("invalid_request", "Invalid request: content type must be application/x-www-form-urlencoded.")
        form = urllib.parse.parse_qs(body.decode(), keep_blank_values=True)
        if set(form) != {"grant_type", "assertion"} or any(len(v) != 1 for v in form.values()):
            return refuse("invalid_request", "Invalid request: expected grant_type and assertion.")
        if form["grant_type"][0] != GRANT_TYPE:
            return refuse("unsupported_grant_type", "Invalid grant_type: " + form["grant_type"][0])
        parts = form["assertion"][0].split(".")
        try:
            if len(parts) != 3:
                raise ValueError("three segments")
            header, claims = (json.loads(b64url_decode(part)) for part in parts[:2])
            signature = b64url_decode(parts[2])
        except (ValueError, json.JSONDecodeError):
            return refuse("invalid_grant", "Invalid JWT Signature.")
        if header.get("alg") != "RS256" or header.get("typ", "JWT") != "JWT":
            return refuse("invalid_grant", "Invalid JWT Signature.")
        if "kid" in header and header["kid"] != self.account.key_id:
            return refuse("invalid_grant", "Invalid JWT Signature.")
        if self.account.key_id in self.disabled_keys:
            return refuse("disabled_client", "The OAuth client was disabled.")
        try:
            self.account.private_key.public_key().verify(signature, f"{parts[0]}.{parts[1]}".encode(),
                                                         padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            return refuse("invalid_grant", "Invalid JWT Signature.")
        if claims.get("iss") != self.account.client_email:
            return refuse("invalid_client", "The OAuth client was not found.", 401)
        if claims.get("aud") != self.token_uri:
            return refuse("invalid_grant", "Invalid JWT: Failed audience check.")
        iat, exp, now = claims.get("iat"), claims.get("exp"), self.now()
        if not (isinstance(iat, int) and isinstance(exp, int)) or iat > now + 60 or exp <= now or exp < iat \
                or exp - iat > 3600:
            return refuse("invalid_grant", SHORT_LIVED)
        scopes = claims.get("scope")
        if not isinstance(scopes, str) or not scopes.strip() or "," in scopes \
                or any(scope not in KNOWN_SCOPES for scope in scopes.split(" ")):
            return refuse("invalid_scope", "Invalid OAuth scope or ID token audience provided.")
        subject = claims.get("sub")
        mailbox = self.mailboxes.get(str(subject).lower()) if isinstance(subject, str) else None
        if mailbox is None or mailbox.suspended:
            return refuse("invalid_grant", "Invalid email or User ID")
        if any(scope not in self.delegated for scope in scopes.split(" ")):
            return refuse("unauthorized_client", UNAUTHORIZED_CLIENT, 401)
        with self.lock:
            self.token_requests[mailbox.address] += 1
            token = "ya29.fake-" + secrets.token_urlsafe(24)
            self.tokens[token] = {"sub": mailbox.address, "scopes": set(scopes.split(" ")),
                                  "expires": now + self.expires_in}
        return 200, {"access_token": token, "expires_in": self.expires_in, "token_type": "Bearer"}

    def revoke_tokens(self):
        with self.lock:
            self.tokens.clear()

    # MARK: Gmail

    @staticmethod
    def gmail_error(status: int, reason: str, message: str, canonical: str, domain: str = "global") -> tuple[int, dict]:
        return status, {"error": {"code": status, "message": message, "status": canonical,
                                  "errors": [{"message": message, "domain": domain, "reason": reason}]}}

    def gmail(self, method: str, path: str, authorization: str | None) -> tuple[int, dict]:
        match = re.fullmatch(r"/gmail/v1/users/([^/]+)/(.+)", urllib.parse.urlsplit(path).path)
        if not match:
            return self.gmail_error(404, "notFound", "Not Found", "NOT_FOUND")
        user, rest = urllib.parse.unquote(match[1]), match[2]
        if re.search(r"(^|/)send$", rest):
            self.send_violations.append(f"{method} {path}")
            return self.gmail_error(403, "forbidden", "Sending is not allowed for this CRM.", "PERMISSION_DENIED")
        if not authorization or not authorization.startswith("Bearer "):
            return self.gmail_error(401, "required", "Login Required.", "UNAUTHENTICATED")
        token = self.tokens.get(authorization[len("Bearer "):])
        if token is None or token["expires"] <= self.now():
            return self.gmail_error(401, "authError", "Request had invalid authentication credentials. Expected OAuth 2 "
                                    "access token, login cookie or other valid authentication credential.",
                                    "UNAUTHENTICATED")
        if user != "me" and user.lower() != token["sub"]:
            return self.gmail_error(403, "forbidden", f"Delegation denied for {token['sub']}", "PERMISSION_DENIED")
        mailbox = self.mailboxes[token["sub"]]
        scripted = self.scripted(rest, mailbox.address)
        if scripted:
            return scripted["status"], scripted["body"], scripted["headers"]
        if mailbox.gmail_off:
            return self.gmail_error(400, "failedPrecondition", "Precondition check failed.", "FAILED_PRECONDITION")
        if method != "GET" or not rest.split("?")[0] in ("profile", "messages", "history") \
                and not rest.startswith("messages/"):
            return self.gmail_error(404, "notFound", "Requested entity was not found.", "NOT_FOUND")
        if not token["scopes"] & METHOD_SCOPES["profile"]:
            return self.gmail_error(403, "insufficientPermissions", "Request had insufficient authentication scopes.",
                                    "PERMISSION_DENIED")
        route = rest.split("?")[0]
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query, keep_blank_values=True)
        # Google's table since May 2026: messages.get costs 20 units.
        units = {"profile": 1, "messages": 5, "history": 2}.get(route, 20)
        if not self.charge(mailbox.address, units):
            return self.gmail_error(429, "rateLimitExceeded", "Quota exceeded for quota metric 'Queries' and limit "
                                    "'Queries per minute per user' of service 'gmail.googleapis.com'",
                                    "RESOURCE_EXHAUSTED", "usageLimits") + ({"Retry-After": "1"},)
        if route == "profile":
            return 200, {"emailAddress": mailbox.address, "messagesTotal": mailbox.messages_total,
                         "threadsTotal": mailbox.messages_total, "historyId": str(mailbox.history_id)}
        if route == "messages":
            return self.list_messages(mailbox, query)
        if route == "history":
            return self.list_history(mailbox, query)
        return self.get_message(mailbox, urllib.parse.unquote(route[len("messages/"):]), query)

    def invalid(self, message: str) -> tuple[int, dict]:
        return self.gmail_error(400, "invalidArgument", message, "INVALID_ARGUMENT", "global")

    def page(self, kind: str, key: str, query: dict, items: list) -> tuple[list, str | None] | tuple[int, dict]:
        """Items of one page, and the token of the next; a token from another query is refused."""
        size = int(query.get("maxResults", ["100"])[0])
        if not 1 <= size <= 500:
            return self.invalid("Invalid maxResults")
        size = min(size, self.page_size)
        start = 0
        if "pageToken" in query:
            known = self.pages.get(query["pageToken"][0])
            if not known or known["kind"] != kind or known["key"] != key:
                return self.invalid("Invalid pageToken")
            start = known["offset"]
        chunk = items[start:start + size]
        token = None
        if start + size < len(items):
            token = secrets.token_urlsafe(16)
            self.pages[token] = {"kind": kind, "key": key, "offset": start + size}
        return chunk, token

    def list_messages(self, mailbox: Mailbox, query: dict):
        after, before, labels = None, None, set()
        for term in " ".join(query.get("q", [""])).split():
            name, _, value = term.partition(":")
            if name == "after" and value.isdigit():
                after = int(value)
            elif name == "before" and value.isdigit():
                before = int(value)
            elif term in ("in:sent", "in:inbox"):
                labels.add(value.upper())
            elif term not in ("-in:chats", "-in:spam", "-in:trash", "-in:drafts"):
                return self.invalid(f"Unsupported search term in the fake: {term}")
        with self.lock:
            chosen = [m for m in mailbox.messages.values()
                      if not {"SPAM", "TRASH"} & set(m.labels)
                      and (after is None or m.internal_date // 1000 > after)
                      and (before is None or m.internal_date // 1000 < before)
                      and labels <= set(m.labels)]
        chosen.sort(key=lambda m: m.internal_date, reverse=True)
        paged = self.page("messages", f"{mailbox.address}|{query.get('q')}", query, chosen)
        if isinstance(paged[0], int):
            return paged
        chunk, token = paged
        body = {"resultSizeEstimate": len(chosen)}
        if chunk:
            body["messages"] = [{"id": m.id, "threadId": m.thread_id} for m in chunk]
        if token:
            body["nextPageToken"] = token
        return 200, body

    def list_history(self, mailbox: Mailbox, query: dict):
        start = query.get("startHistoryId", [""])[0]
        if not start:
            return self.invalid("Missing/invalid parameter: startHistoryId")
        if not start.isdigit() or int(start) == 0 or int(start) <= mailbox.horizon or int(start) > mailbox.history_id:
            return self.gmail_error(404, "notFound", "Requested entity was not found.", "NOT_FOUND")
        with self.lock:
            records = [(hid, mid) for hid, mid in mailbox.history if hid > int(start)]
            current = mailbox.history_id
        paged = self.page("history", f"{mailbox.address}|{start}", query, records)
        if isinstance(paged[0], int):
            return paged
        chunk, token = paged
        body = {"historyId": str(current)}
        if chunk:
            body["history"] = [{"id": str(hid), "messages": [{"id": mid, "threadId": mid}],
                                "messagesAdded": [{"message": {"id": mid, "threadId": mid}}]} for hid, mid in chunk]
        if token:
            body["nextPageToken"] = token
        return 200, body

    def get_message(self, mailbox: Mailbox, message_id: str, query: dict):
        form = query.get("format", ["full"])[0]
        if form not in ("full", "metadata", "minimal", "raw"):
            return self.invalid("Invalid format")
        with self.lock:
            message = mailbox.messages.get(message_id)
        if message is None:
            return self.gmail_error(404, "notFound", "Requested entity was not found.", "NOT_FOUND")
        parsed = email.message_from_bytes(message.raw, policy=email.policy.compat32)
        body = {"id": message.id, "threadId": message.thread_id, "labelIds": message.labels,
                "historyId": str(message.history_id), "internalDate": str(message.internal_date),
                "sizeEstimate": len(message.raw), "snippet": ""}
        if form in ("full", "raw"):
            with self.lock:
                self.body_fetches.append((mailbox.address, message.id))
        if form == "raw":
            body["raw"] = base64.urlsafe_b64encode(message.raw).decode().rstrip("=")
        elif form == "metadata":
            wanted = {name.lower() for name in query.get("metadataHeaders", [])}
            headers = [{"name": k, "value": str(v)} for k, v in parsed.items() if not wanted or k.lower() in wanted]
            body["payload"] = {"mimeType": parsed.get_content_type(), "headers": headers}
        elif form == "full":
            body["payload"] = self.payload(parsed, "")
        return 200, body

    def payload(self, part, part_id: str) -> dict:
        """A MIME part as Gmail's format=full shows it: transfer encoding undone, base64url data."""
        node = {"partId": part_id, "mimeType": part.get_content_type(), "filename": part.get_filename() or "",
                "headers": [{"name": k, "value": str(v)} for k, v in part.items()]}
        if part.is_multipart():
            node["body"] = {"size": 0}
            node["parts"] = [self.payload(child, f"{part_id}.{n}" if part_id else str(n))
                             for n, child in enumerate(part.get_payload())]
        else:
            data = part.get_payload(decode=True) or b""
            node["body"] = {"size": len(data), "data": base64.urlsafe_b64encode(data).decode().rstrip("=")}
        return node

    # MARK: HTTP

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def answer(self, status: int, body: dict, headers: dict | None = None):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def handle_any(self, method: str):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with fake.lock:
                    fake.requests.append({"method": method, "path": self.path, "headers": dict(self.headers),
                                          "body": body.decode(errors="replace")})
                if self.path == "/token":
                    scripted = fake.scripted("/token", None)
                    if scripted:
                        self.answer(scripted["status"], scripted["body"], scripted["headers"])
                    elif method != "POST":
                        self.answer(405, {"error": "invalid_request", "error_description": "POST only."})
                    else:
                        self.answer(*fake.exchange(self.headers.get("Content-Type", ""), body))
                    return
                self.answer(*fake.gmail(method, self.path, self.headers.get("Authorization")))

            def date_time_string(self, timestamp=None):
                # Google's Date header is by Google's clock: the fake's, skewed when a test says so.
                return super().date_time_string(fake.now() if timestamp is None else timestamp)

            def do_GET(self):
                self.handle_any("GET")

            def do_POST(self):
                self.handle_any("POST")

            def do_PUT(self):
                self.handle_any("PUT")

            def do_DELETE(self):
                self.handle_any("DELETE")

        return Handler
