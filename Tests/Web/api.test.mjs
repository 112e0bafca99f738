import { test } from "node:test";
import assert from "node:assert/strict";
import { ApiError, OfflineError, isTransient } from "../../Sources/crm-api/Resources/web/api.js";

test("an edit is sent again after offline, signed-out, busy and server-fault answers, and only then", () => {
  assert.equal(isTransient(new OfflineError()), true, "offline");
  for (const status of [401, 408, 429, 500, 502, 503, 504]) assert.equal(isTransient(new ApiError(status, null)), true, String(status));
  for (const status of [400, 403, 404, 409, 413, 422]) assert.equal(isTransient(new ApiError(status, { message: "no" })), false, String(status));
});
