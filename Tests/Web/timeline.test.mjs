// The drawer's timeline, alone: logged communications and captured emails merge newest first,
// and an email whose subject the privacy level hides says so.
import assert from "node:assert/strict";
import { test } from "node:test";

const { merge, localInput, timelineQueries } = await import("../../Sources/crm-api/Resources/web/timeline.js");

test("logged and captured entries merge newest first", () => {
  const entries = merge(
    [{ id: 1, occurred_at: "2026-12-01T10:00:00Z", kind: "call", member_id: 2, summary: "Q3", source: "app" }],
    [
      { id: 7, sent_at: "2026-12-03T09:00:00Z", direction: "outbound", members: [{ user_id: 3, direction: "sent" }], subject: "Re: Q3", snippet: "Thanks" },
      { id: 8, sent_at: "2026-11-30T09:00:00Z", direction: "inbound", members: [{ user_id: 2, direction: "received" }], subject: null, snippet: null },
    ]);
  assert.deepEqual(entries.map((e) => e.key), ["m7", "c1", "m8"]);
  assert.equal(entries[0].kind, "Email sent");
  assert.equal(entries[0].who, 3);
  assert.equal(entries[1].kind, "Call");
  assert.equal(entries[2].text, "(subject not kept)");
});

test("the quick-log's time starts as the local now, to the minute", () => {
  assert.equal(localInput(new Date(2026, 11, 7, 9, 5)), "2026-12-07T09:05");
});

test("the filters choose which lists are read and narrow both", () => {
  const all = timelineQueries("investor_id=4", {});
  assert.equal(all.logged, "/api/communications?investor_id=4&limit=50");
  assert.equal(all.mail, "/api/email/activity?investor_id=4&limit=50");
  const calls = timelineQueries("contact_id=2", { show: "call", member: "3" });
  assert.equal(calls.mail, null, "captured mail is not a logged call");
  assert.equal(calls.logged, "/api/communications?contact_id=2&limit=50&member_id=3&kind=call");
  const mail = timelineQueries("investor_id=4", { show: "email", q: " side letter ", since: "2026-12-01" });
  assert.equal(mail.logged, null);
  assert.match(mail.mail, /^\/api\/email\/search\?investor_id=4&limit=50&since=2026-1[12]-\d\dT\d\d%3A00%3A00\.000Z&q=side%20letter$/);
});
