// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { test } from "node:test";
import { CdError } from "../../core/index.ts";
import { FakeClock } from "../../testing/index.ts";
import { nextLink } from "../client/tags.ts";
import { rechunk } from "../client/blobs.ts";
import { redactUrl } from "./redact.ts";
import { classify, parseErrorBody, parseRetryAfter } from "./registry-error.ts";
import { DEFAULT_RETRY, backoffDelay, withRetry } from "./retry.ts";

test("classify: status first, registry codes second", () => {
  const cases: [number, string[], string][] = [
    [401, [], "UNAUTHORIZED"],
    [403, ["DENIED"], "DENIED"],
    [404, [], "NOT_FOUND"],
    [400, ["MANIFEST_BLOB_UNKNOWN"], "NOT_FOUND"],
    [429, [], "TOO_MANY_REQUESTS"],
    [400, ["TOOMANYREQUESTS"], "TOO_MANY_REQUESTS"],
    [405, [], "UNSUPPORTED"],
    [500, [], "REGISTRY_ERROR"],
    [400, ["MANIFEST_INVALID"], "REGISTRY_ERROR"],
  ];
  for (const [status, codes, want] of cases)
    assert.equal(classify(status, codes), want, `${status} ${codes.join()}`);
});

test("parseErrorBody tolerates non-JSON and odd shapes", () => {
  assert.deepEqual(
    parseErrorBody(
      '{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry","detail":{"name":"x"}}]}',
    ),
    [{ code: "NAME_UNKNOWN", message: "repository name not known to registry", detail: { name: "x" } }],
  );
  assert.deepEqual(parseErrorBody("404 page not found"), []);
  assert.deepEqual(parseErrorBody('{"errors":"nope"}'), []);
  assert.deepEqual(parseErrorBody('{"errors":[null, 3, {"code": 5}]}'), [{ code: "", message: "" }]);
});

test("parseRetryAfter: seconds, HTTP date, garbage", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  assert.equal(parseRetryAfter("3", now), 3000);
  assert.equal(parseRetryAfter("Thu, 01 Jan 2026 00:00:10 GMT", now), 10_000);
  assert.equal(parseRetryAfter("soon", now), undefined);
  assert.equal(parseRetryAfter(null, now), undefined);
});

test("redactUrl removes userinfo and secret query values", () => {
  assert.equal(
    redactUrl("https://user:pw@reg.example/v2/a/blobs/uploads/x?_state=abc&digest=sha256:1"),
    "https://reg.example/v2/a/blobs/uploads/x?_state=REDACTED&digest=sha256%3A1",
  );
  assert.equal(
    redactUrl("https://s3.example/b?X-Amz-Signature=zzz&X-Amz-Credential=c"),
    "https://s3.example/b?X-Amz-Signature=REDACTED&X-Amz-Credential=REDACTED",
  );
});

test("nextLink resolves relative links and ignores other relations", () => {
  const base = "https://reg.example/v2/a/tags/list?n=2";
  assert.equal(
    nextLink('</v2/a/tags/list?n=2&last=b>; rel="next"', base),
    "https://reg.example/v2/a/tags/list?n=2&last=b",
  );
  assert.equal(nextLink('<https://x.example/p>; rel="prev", </q>; rel=next', base), "https://reg.example/q");
  assert.equal(nextLink(null, base), undefined);
});

test("backoff: exponential, capped, jittered; Retry-After clamped", () => {
  const mid = () => 0.5;
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6].map((a) => backoffDelay(DEFAULT_RETRY, a, mid)),
    [250, 500, 1000, 2000, 3000, 3000],
  );
  assert.equal(
    backoffDelay(DEFAULT_RETRY, 1, () => 1),
    275,
  );
  assert.equal(
    backoffDelay(DEFAULT_RETRY, 1, () => 0),
    225,
  );
  assert.equal(backoffDelay(DEFAULT_RETRY, 1, mid, 5000), 5000);
  assert.equal(backoffDelay(DEFAULT_RETRY, 1, mid, 3_600_000), 60_000);
});

test("withRetry retries only retryable errors and stops at the attempt limit", async () => {
  const clock = new FakeClock();
  let calls = 0;
  const flaky = () => {
    calls++;
    return calls < 3
      ? Promise.reject(new CdError({ code: "X", message: "x", retryable: true }))
      : Promise.resolve("ok");
  };
  assert.equal(await withRetry(flaky, { policy: DEFAULT_RETRY, clock }), "ok");
  assert.equal(clock.sleeps.length, 2);
  calls = 0;
  const fatal = () => {
    calls++;
    return Promise.reject(new CdError({ code: "Y", message: "y" }));
  };
  await assert.rejects(withRetry(fatal, { policy: DEFAULT_RETRY, clock }), /y/);
  assert.equal(calls, 1);
  calls = 0;
  const always = () => {
    calls++;
    return Promise.reject(new CdError({ code: "Z", message: "z", retryable: true }));
  };
  await assert.rejects(withRetry(always, { policy: { ...DEFAULT_RETRY, attempts: 4 }, clock }), /z/);
  assert.equal(calls, 4);
});

test("rechunk regroups a stream into fixed-size chunks", async () => {
  const parts = [new Uint8Array([1, 2, 3]), new Uint8Array([4]), new Uint8Array([5, 6, 7, 8, 9])];
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      for (const p of parts) c.enqueue(p);
      c.close();
    },
  });
  const out: number[][] = [];
  for await (const c of rechunk(stream, 4)) out.push([...c]);
  assert.deepEqual(out, [[1, 2, 3, 4], [5, 6, 7, 8], [9]]);
});
