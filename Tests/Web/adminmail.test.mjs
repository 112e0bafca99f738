// The Admin page's mail capture words, alone: what a mailbox's state says, and how typed lists
// of domains and addresses are read.
import assert from "node:assert/strict";
import { test } from "node:test";

const { doctorItems, entries, skippedText, stateText } = await import("../../Sources/crm-api/Resources/web/adminmail.js");

const account = (fields) => ({ sync_enabled: true, state: "active", throttled_until: null, last_error: null, sync_requested_at: null, ...fields });

test("a mailbox's state says off, until when it is throttled, and why it fails", () => {
  assert.equal(stateText(account({ sync_enabled: false, state: "failing", last_error: "old" })), "Off");
  assert.equal(stateText(account({})), "Active");
  assert.match(stateText(account({ state: "throttled", throttled_until: "2026-12-07T12:00:00Z" })), /^Throttled until /);
  assert.equal(stateText(account({ state: "failing", last_error: "Scopes not authorised." })), "Failing: Scopes not authorised.");
  assert.equal(stateText(account({ state: "not_connected", sync_requested_at: "2026-12-07T12:00:00Z" })), "Not connected (sync asked)");
  assert.equal(stateText(account({ retrying: 3 })), "Active, 3 to retry");
});

test("lists are read one entry per line or comma, blanks dropped", () => {
  assert.deepEqual(entries("fund.example, partners.example\n\n lawyer@firm.example ,"), ["fund.example", "partners.example", "lawyer@firm.example"]);
  assert.deepEqual(entries("   "), []);
});

test("skip counts read most first, in words", () => {
  assert.equal(skippedText({ bulk: 3, no_known_participant: 12, chat: 0 }), "12 no known contact, 3 bulk or lists");
  assert.equal(skippedText({}), "—");
  assert.equal(skippedText({ unreadable: 1 }), "1 unreadable (Google kept failing)");
});

test("the Google check reads as a tick or a cross per check, and waits in words", () => {
  assert.deepEqual(doctorItems(null), []);
  assert.equal(doctorItems({ state: "waiting" })[0].ok, null);
  assert.deepEqual(doctorItems({ state: "done", report: { checks: [{ ok: true, sentence: "Key saved." }, { ok: false, sentence: "Fix scopes." }] } }),
    [{ ok: true, text: "Key saved." }, { ok: false, text: "Fix scopes." }]);
});
