// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { test } from "node:test";
import { VerifyError } from "./errors.ts";
import { sourceVerifiedCondition, verificationSeverity } from "./flux-conditions.ts";
import type { VerifyPolicy } from "./policy.ts";
import { trustedRootFromPieces } from "./trusted-root.ts";

const keys: VerifyPolicy = { kind: "keys", keys: [] };
const keyless: VerifyPolicy = { kind: "keyless", trust: trustedRootFromPieces({}, "empty"), identities: [] };
const rejected = new VerifyError({
  code: "SUBJECT_MISMATCH",
  message: "no matching signatures for r@sha256:1: subject",
});

const cases = [
  {
    name: "verified",
    policy: keys,
    outcome: { ok: true } as const,
    want: { status: "True", reason: "Succeeded", message: "verified signature of revision 1.0.0@sha256:1" },
  },
  {
    name: "keyed failure",
    policy: keys,
    outcome: { error: rejected },
    want: {
      status: "False",
      reason: "VerificationError",
      message:
        "failed to verify the signature using provider 'cosign': no matching signatures for r@sha256:1: subject",
    },
  },
  {
    name: "keyless failure",
    policy: keyless,
    outcome: { error: rejected },
    want: {
      status: "False",
      reason: "VerificationError",
      message:
        "failed to verify the signature using provider 'cosign keyless': no matching signatures for r@sha256:1: subject",
    },
  },
];

for (const c of cases) {
  test(`SourceVerified: ${c.name}`, () => {
    assert.deepEqual(sourceVerifiedCondition(c.policy, "1.0.0@sha256:1", c.outcome), {
      type: "SourceVerified",
      ...c.want,
    });
  });
}

test("verification failures stall; other errors are transient", () => {
  assert.equal(verificationSeverity(rejected), "stalled");
  assert.equal(verificationSeverity(new Error("ECONNRESET")), "transient");
});
