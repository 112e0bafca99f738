"""The fake Google itself: it must be as strict as the real one, or the tests that use it prove
nothing. A client written here in Python (signing with the key's private half) checks it."""
import base64
import json
import time
import urllib.error
import urllib.parse
import urllib.request

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from google_fake import READONLY


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def assertion(google, sub="ann@fund.example", scope=READONLY, **changes) -> str:
    now = int(time.time())
    claims = {"iss": google.account.client_email, "sub": sub, "scope": scope, "aud": google.token_uri,
              "iat": now - 10, "exp": now + 3590} | changes
    header = {"alg": "RS256", "typ": "JWT", "kid": google.account.key_id}
    signing = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
    signature = google.account.private_key.sign(signing.encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing}.{b64(signature)}"


def call(url, data=None, token=None, content_type="application/x-www-form-urlencoded"):
    request = urllib.request.Request(url, data=data, headers={"Content-Type": content_type})
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def exchange(google, jwt):
    body = urllib.parse.urlencode({"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": jwt})
    return call(google.token_uri, body.encode())


def test_the_token_endpoint_checks_every_claim_and_the_signature(google):
    status, granted = exchange(google, assertion(google))
    assert status == 200 and granted["token_type"] == "Bearer" and granted["access_token"].startswith("ya29.")
    for jwt, error in [
        (assertion(google, aud="https://oauth2.googleapis.com/token"), "invalid_grant"),
        (assertion(google, iss="other@x.iam.gserviceaccount.com"), "invalid_client"),
        (assertion(google, exp=int(time.time()) + 7200), "invalid_grant"),
        (assertion(google, iat=int(time.time()) + 600), "invalid_grant"),
        (assertion(google, iat=float(time.time())), "invalid_grant"),
        (assertion(google, sub="nobody@fund.example"), "invalid_grant"),
        (assertion(google, scope=f"{READONLY},https://www.googleapis.com/auth/gmail.compose"), "invalid_scope"),
        (assertion(google, scope="https://mail.google.com/"), "unauthorized_client"),
        (assertion(google)[:-4] + "AAAA", "invalid_grant"),
        ("a.b", "invalid_grant"),
    ]:
        status, body = exchange(google, jwt)
        assert status in (400, 401) and body["error"] == error, (jwt[:30], body)
    status, body = call(google.token_uri, json.dumps({"assertion": assertion(google)}).encode(), content_type="application/json")
    assert status == 400 and body["error"] == "invalid_request"


def test_gmail_pages_history_and_records_every_body_read(google):
    token = exchange(google, assertion(google))[1]["access_token"]
    base = f"{google.base}/gmail/v1/users/me"
    google.page_size = 2
    ids = [google.deliver("ann@fund.example", f"From: j@alder.example\r\nTo: ann@fund.example\r\nSubject: {n}\r\n\r\nbody {n}\r\n",
                          when=time.time() - 100 + n) for n in range(5)]
    status, first = call(f"{base}/messages?q=after:0", token=token)
    assert status == 200 and [m["id"] for m in first["messages"]] == ids[::-1][:2] and "nextPageToken" in first
    status, refused = call(f"{base}/messages?q=in:sent&pageToken={first['nextPageToken']}", token=token)
    assert status == 400, "a page token belongs to its query"
    seen, page = [], first
    while True:
        seen += [m["id"] for m in page["messages"]]
        if "nextPageToken" not in page:
            break
        page = call(f"{base}/messages?q=after:0&pageToken={page['nextPageToken']}", token=token)[1]
    assert seen == ids[::-1]
    assert call(f"{base}/messages?q=from:x", token=token)[0] == 400, "unsupported search is refused, not ignored"

    status, meta = call(f"{base}/messages/{ids[0]}?format=metadata&metadataHeaders=Subject", token=token)
    assert status == 200 and meta["payload"]["headers"] == [{"name": "Subject", "value": "0"}]
    assert google.body_fetches == []
    status, full = call(f"{base}/messages/{ids[0]}?format=full", token=token)
    assert base64.urlsafe_b64decode(full["payload"]["body"]["data"] + "==") == b"body 0\r\n"
    assert google.body_fetches == [("ann@fund.example", ids[0])]

    profile = call(f"{base}/profile", token=token)[1]
    newer = google.deliver("ann@fund.example", "From: j@alder.example\r\n\r\nnew\r\n")
    history = call(f"{base}/history?startHistoryId={profile['historyId']}", token=token)[1]
    assert [r["messagesAdded"][0]["message"]["id"] for r in history["history"]] == [newer]
    assert int(history["historyId"]) > int(profile["historyId"])
    assert "history" not in call(f"{base}/history?startHistoryId={history['historyId']}", token=token)[1]
    google.expire_history("ann@fund.example")
    assert call(f"{base}/history?startHistoryId={profile['historyId']}", token=token)[0] == 404
    assert call(f"{base}/history?startHistoryId=0", token=token)[0] == 404
    assert call(f"{base}/history", token=token)[0] == 400
    google.delete("ann@fund.example", ids[1])
    assert call(f"{base}/messages/{ids[1]}?format=full", token=token)[0] == 404


def test_gmail_checks_tokens_mailboxes_quota_and_traps_sends(google):
    token = exchange(google, assertion(google))[1]["access_token"]
    assert call(f"{google.base}/gmail/v1/users/me/profile")[0] == 401
    assert call(f"{google.base}/gmail/v1/users/me/profile", token="ya29.made-up")[0] == 401
    status, body = call(f"{google.base}/gmail/v1/users/bob@fund.example/profile", token=token)
    assert status == 403 and body["error"]["message"] == "Delegation denied for ann@fund.example"
    google.quota_per_minute = 3
    assert call(f"{google.base}/gmail/v1/users/me/profile", token=token)[0] == 200
    status, body = call(f"{google.base}/gmail/v1/users/me/messages?q=after:0", token=token)
    assert status == 429 and body["error"]["errors"][0]["reason"] == "rateLimitExceeded"
    status, _ = call(f"{google.base}/gmail/v1/users/me/messages/send", b"{}", token=token, content_type="application/json")
    assert status == 403 and google.send_violations == ["POST /gmail/v1/users/me/messages/send"]
    google.send_violations.clear()
