// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { test } from "node:test";
import { VerifyError } from "./errors.ts";
import { loadTrustedRoot, parseTrustedRoot } from "./trusted-root.ts";

test("the shipped public-good snapshot loads: 2 CAs, 2 Rekor logs, 2 CT logs, 1 TSA", async () => {
  const r = await loadTrustedRoot();
  assert.equal(r.source, "public-good (shipped snapshot)");
  const m = r.material;
  assert.deepEqual(
    [m.certificateAuthorities.length, m.tlogs.length, m.ctlogs.length, m.timestampAuthorities.length],
    [2, 2, 2, 1],
  );
});

const MT = "application/vnd.dev.sigstore.trustedroot+json;version=0.1";
const bad = [
  { name: "not JSON", text: "{", want: /not JSON/ },
  {
    name: "wrong media type",
    text: JSON.stringify({ mediaType: "application/json" }),
    want: /unsupported mediaType/,
  },
  {
    name: "a log key without validFor.start",
    text: JSON.stringify({ mediaType: MT, tlogs: [{ publicKey: { validFor: {} } }] }),
    want: /tlogs\[0\]\.publicKey\.validFor\.start is missing/,
  },
  {
    name: "a CA without validFor.start",
    text: JSON.stringify({ mediaType: MT, certificateAuthorities: [{}] }),
    want: /certificateAuthorities\[0\]\.validFor\.start is missing/,
  },
];
for (const c of bad) {
  test(`a trusted root with ${c.name} is INVALID_TRUSTED_ROOT`, () => {
    assert.throws(
      () => parseTrustedRoot(c.text, "x.json"),
      (e: unknown) => e instanceof VerifyError && e.code === "INVALID_TRUSTED_ROOT" && c.want.test(e.message),
    );
  });
}

test("an unreadable file is INVALID_TRUSTED_ROOT naming the path", async () => {
  await assert.rejects(
    loadTrustedRoot("/nonexistent/trusted_root.json"),
    (e: unknown) =>
      e instanceof VerifyError &&
      e.code === "INVALID_TRUSTED_ROOT" &&
      e.message.includes("/nonexistent/trusted_root.json"),
  );
});
