// SPDX-License-Identifier: Apache-2.0
// Every row of ../shared/conformance/sigstore/bundle-verify/ (sigstore-conformance) through ocisync's bundle path.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { sha256Of } from "../core/index.ts";
import { verifyBundle } from "./bundle.ts";
import { VerifyError } from "./errors.ts";
import { parsePublicKeys } from "./keys.ts";
import type { VerifyPolicy } from "./policy.ts";
import { parseTrustedRoot } from "./trusted-root.ts";

const CORPUS = new URL("../../../shared/conformance/sigstore/bundle-verify/", import.meta.url);

interface Row {
  readonly case: string;
  readonly expect: "pass" | "fail";
  readonly bundle: string;
  readonly artifact: string;
  readonly key?: string;
  readonly identity?: string;
  readonly issuer?: string;
  readonly trusted_root: string;
}

const read = (p: string) => readFileSync(new URL(p, CORPUS));
const rows = JSON.parse(read("cases.json").toString("utf8")) as Row[];
const exact = (s: string) => `^${s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}$`;

/** Runs one row, with the artifact's bytes or (`byDigest`) only its `sha256:<hex>`; returns "pass" or the code. */
async function run(row: Row, byDigest: boolean): Promise<string> {
  try {
    const root = parseTrustedRoot(read(row.trusted_root).toString("utf8"), row.trusted_root);
    const policy: VerifyPolicy =
      row.key === undefined
        ? {
            kind: "keyless",
            trust: root,
            identities: [{ issuer: exact(row.issuer ?? ""), subject: exact(row.identity ?? "") }],
            predicateTypes: ["*"],
          }
        : {
            kind: "keys",
            keys: parsePublicKeys(read(row.key).toString("utf8"), row.key),
            tlog: root,
            predicateTypes: ["*"],
          };
    const artifact = read(row.artifact);
    await verifyBundle(
      read(row.bundle),
      byDigest ? { digest: sha256Of(artifact) } : { digest: sha256Of(artifact), bytes: artifact },
      policy,
      row.bundle,
    );
    return "pass";
  } catch (err) {
    if (err instanceof VerifyError) return err.code;
    throw err;
  }
}

/** The reason ocisync gives for each failing row (the message is informative; the code is asserted). */
const REJECTED_WITH: Readonly<Record<string, string>> = {
  "bundle-empty-certificate-chain_fail": "INVALID_BUNDLE",
  "bundle-from-wrong-instance_fail": "CERTIFICATE_UNTRUSTED",
  "bundle-invalid-base64-signature_fail": "MALFORMED_SIGNATURE",
  "bundle-malformed-json_fail": "INVALID_BUNDLE",
  "bundle-negative-log-index_fail": "TLOG_MISMATCH",
  "bundle-unknown-version_fail": "INVALID_BUNDLE",
  "bundle-with-root-cert_fail": "INVALID_BUNDLE",
  "checkpoint-bad-keyhint_fail": "TLOG_MISMATCH",
  "checkpoint-wrong-roothash_fail": "TLOG_MISMATCH",
  "dsse-invalid-sig_fail": "TLOG_MISMATCH",
  "dsse-mismatch-envelope_fail": "TLOG_MISMATCH",
  "dsse-mismatch-sig_fail": "TLOG_MISMATCH",
  "inclusion-proof-corrupted-hash_fail": "TLOG_MISMATCH",
  "incorrect-public-key_fail": "TLOG_MISMATCH",
  "integrated-time-in-future_fail": "CERTIFICATE_EXPIRED",
  "intoto-expired-certificate_fail": "CERTIFICATE_EXPIRED",
  "intoto-log-entry-mismatch_fail": "TLOG_MISMATCH",
  "intoto-missing-inclusion-proof_fail": "INVALID_BUNDLE",
  "intoto-set-outside-signing-cert-validity_fail": "CERTIFICATE_EXPIRED",
  "intoto-tsa-timestamp-outside-cert-validity_fail": "CERTIFICATE_EXPIRED",
  "invalid-checkpoint-signature_fail": "TLOG_MISMATCH",
  "invalid-ct-key_fail": "SCT_INVALID",
  "invalid-inclusion-proof_fail": "INVALID_BUNDLE",
  "managed-key-no-key_fail": "SIGNATURE_INVALID",
  "managed-key-wrong-key_fail": "INVALID_KEY",
  "message-digest-mismatch_fail": "PAYLOAD_DIGEST_MISMATCH",
  "rekor2-checkpoint-missing-log-signature_fail": "TLOG_MISMATCH",
  "rekor2-checkpoint-missing-origin_fail": "TLOG_MISMATCH",
  "rekor2-checkpoint-missing-root-hash_fail": "TLOG_MISMATCH",
  "rekor2-checkpoint-missing-size_fail": "TLOG_MISMATCH",
  "rekor2-checkpoint-no-matching-signature_fail": "TLOG_MISMATCH",
  "rekor2-dsse-invalid-sig_fail": "TLOG_MISMATCH",
  "rekor2-dsse-mismatch-envelope_fail": "TLOG_MISMATCH",
  "rekor2-dsse-mismatch-sig_fail": "TLOG_MISMATCH",
  "rekor2-no-inclusion-proof_fail": "INVALID_BUNDLE",
  "rekor2-no-timestamp_fail": "TIMESTAMP_MISSING",
  "rekor2-timestamp-outside-trust-root-tsa-validity_fail": "TIMESTAMP_INVALID",
  "rekor2-timestamp-outside-tsa-cert-validity_fail": "TIMESTAMP_INVALID",
  "rekor2-timestamp-payload-mismatch_fail": "TIMESTAMP_INVALID",
  "rekor2-timestamp-untrusted-tsa-with-embedded-cert_fail": "TIMESTAMP_INVALID",
  "rekor2-timestamp-untrusted-tsa-without-embedded-cert_fail": "TIMESTAMP_INVALID",
  "rekor2-timestamp-with-incorrect-time_fail": "CERTIFICATE_EXPIRED",
  "set-invalid-signature_fail": "TLOG_MISMATCH",
  "signature-mismatch_fail": "TLOG_MISMATCH",
  "trust-root-tlog-missing-validity-start_fail": "INVALID_TRUSTED_ROOT",
  "wrong-hashedrekord-artifact_fail": "TLOG_MISMATCH",
  "wrong-hashedrekord-cert-and-sig_fail": "TLOG_MISMATCH",
  "wrong-hashedrekord-entry_fail": "TLOG_MISMATCH",
  "wrong-material_fail": "PAYLOAD_DIGEST_MISMATCH",
};

test("the corpus has its 70 rows", () => {
  assert.equal(rows.length, 70);
});

// The harness runs every case twice: with the artifact's path and with `sha256:<hex>` of it; both must agree.
for (const row of rows) {
  for (const mode of ["file", "digest"] as const) {
    test(`bundle-verify ${row.case} [${mode}] → ${row.expect}`, async () => {
      const got = await run(row, mode === "digest");
      if (row.expect === "pass") assert.equal(got, "pass");
      else assert.equal(got, REJECTED_WITH[row.case]);
    });
  }
}
