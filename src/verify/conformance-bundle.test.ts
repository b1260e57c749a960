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

/** Runs one row; returns "pass" or the failure code. */
function run(row: Row): string {
  try {
    const root = parseTrustedRoot(read(row.trusted_root).toString("utf8"), row.trusted_root);
    const policy: VerifyPolicy =
      row.key === undefined
        ? { kind: "keyless", trust: root, identities: [{ issuer: exact(row.issuer ?? ""), subject: exact(row.identity ?? "") }], predicateTypes: ["*"] }
        : { kind: "keys", keys: parsePublicKeys(read(row.key).toString("utf8"), row.key), tlog: root, predicateTypes: ["*"] };
    const artifact = read(row.artifact);
    verifyBundle(read(row.bundle), { digest: sha256Of(artifact), bytes: artifact }, policy, row.bundle);
    return "pass";
  } catch (err) {
    if (err instanceof VerifyError) return err.code;
    throw err;
  }
}

test("the corpus has its 70 rows", () => {
  assert.equal(rows.length, 70);
});

for (const row of rows) {
  test(`bundle-verify ${row.case} → ${row.expect}`, () => {
    const got = run(row);
    if (row.expect === "pass") assert.equal(got, "pass");
    else assert.notEqual(got, "pass", "must be rejected");
  });
}
