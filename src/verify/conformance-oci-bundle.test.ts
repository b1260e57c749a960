// SPDX-License-Identifier: Apache-2.0
// The rows of ../shared/conformance/sigstore/cosign-oci-bundle/: a real cosign referrer bundle (an attestation).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { parseDigest, sha256Of } from "../core/index.ts";
import { verifyBundle } from "./bundle.ts";
import { VerifyError } from "./errors.ts";
import { parseTrustedRoot } from "./trusted-root.ts";

const CORPUS = new URL("../../../shared/conformance/sigstore/cosign-oci-bundle/", import.meta.url);
const read = (p: string) => readFileSync(new URL(p, CORPUS));

interface Row {
  readonly case: string;
  readonly expect: "pass" | "fail";
  readonly bundle: string;
  readonly artifact_digest: string;
  readonly subject_manifest?: string;
  readonly identity: { issuer_regex: string; subject_regex: string };
  readonly trusted_root: string;
  readonly variants?: { if: string; expect: "pass" | "fail" }[];
}

const rows = JSON.parse(read("cases.json").toString("utf8")) as Row[];
const OTHER = sha256Of("another image");

test("the subject manifest's digest is the statement subject", () => {
  assert.equal(
    sha256Of(read("subject-image/manifest.json")),
    "sha256:732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4",
  );
});

for (const row of rows) {
  const digest =
    row.artifact_digest.startsWith("sha256:") && row.artifact_digest.length === 71
      ? parseDigest(row.artifact_digest)
      : OTHER;
  const runs = [
    // ocisync's default: a signature must carry cosign's sign/v1 predicate; this bundle is an attestation.
    {
      name: "signature semantics (default)",
      predicateTypes: undefined,
      want: row.variants?.find((v) => v.if.startsWith("signature-semantics"))?.expect ?? row.expect,
    },
    { name: "any predicate (attestation)", predicateTypes: ["*"], want: row.expect },
  ];
  for (const run of runs) {
    test(`cosign-oci-bundle ${row.case} [${run.name}] → ${run.want}`, async () => {
      const root = parseTrustedRoot(read(row.trusted_root).toString("utf8"), row.trusted_root);
      let got = "pass";
      try {
        await verifyBundle(
          read(row.bundle),
          { digest },
          {
            kind: "keyless",
            trust: root,
            identities: [{ issuer: row.identity.issuer_regex, subject: row.identity.subject_regex }],
            ...(run.predicateTypes === undefined ? {} : { predicateTypes: run.predicateTypes }),
          },
          row.bundle,
        );
      } catch (err) {
        if (!(err instanceof VerifyError)) throw err;
        got = err.code;
      }
      if (run.want === "pass") assert.equal(got, "pass");
      else assert.notEqual(got, "pass");
      if (row.case === "attestation-other-image") assert.equal(got, "PAYLOAD_DIGEST_MISMATCH");
      if (row.case === "attestation-wrong-subject-regex") assert.equal(got, "SUBJECT_MISMATCH");
      if (row.expect === "pass" && run.predicateTypes === undefined) assert.equal(got, "INVALID_PAYLOAD");
    });
  }
}
