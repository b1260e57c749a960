// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { test } from "node:test";
import { DigestError, parseDigest } from "../core/index.ts";
import { refKind, revisionOf } from "./index.ts";
import type { OciRef, RefKind } from "./index.ts";

const D5 = parseDigest(`sha256:${"5".repeat(64)}`);
const D6 = parseDigest(`sha256:${"6".repeat(64)}`);

// Cases from source-controller TestOCIRepository_reconcileSource_remoteReference / _getArtifactRef.
const kinds: { name: string; ref: OciRef | undefined; want: RefKind }[] = [
  { name: "no ref means latest", ref: undefined, want: { kind: "tag", tag: "latest" } },
  {
    name: "all empty means latest",
    ref: { digest: "", semver: "", tag: "" },
    want: { kind: "tag", tag: "latest" },
  },
  { name: "tag", ref: { tag: "6.1.6" }, want: { kind: "tag", tag: "6.1.6" } },
  {
    name: "semver takes precedence over tag",
    ref: { semver: ">= 6.1.5", tag: "6.1.5" },
    want: { kind: "semver", range: ">= 6.1.5" },
  },
  {
    name: "semver carries its filter",
    ref: { semver: ">= 6.1.x-0", semverFilter: ".*-rc.*" },
    want: { kind: "semver", range: ">= 6.1.x-0", filter: ".*-rc.*" },
  },
  {
    name: "filter alone is ignored",
    ref: { semverFilter: "rc", tag: "1.0.0" },
    want: { kind: "tag", tag: "1.0.0" },
  },
  {
    name: "digest takes precedence over semver",
    ref: { tag: "6.1.6", semver: ">= 6.1.6", digest: D5 },
    want: { kind: "digest", digest: D5 },
  },
];

for (const c of kinds) {
  test(`refKind: ${c.name}`, () => {
    assert.deepEqual(refKind(c.ref), c.want);
  });
}

test("refKind: invalid digest", () => {
  assert.throws(
    () => refKind({ digest: "invalid" }),
    (e: unknown) => e instanceof DigestError && e.code === "INVALID_DIGEST",
  );
});

const revisions: { name: string; tag: string | undefined; digest: string; want: string }[] = [
  { name: "tag", tag: "6.1.6", digest: D6, want: `6.1.6@${D6}` },
  { name: "latest", tag: "latest", digest: D6, want: `latest@${D6}` },
  { name: "digest ref is the bare digest", tag: undefined, digest: D5, want: D5 },
];

for (const c of revisions) {
  test(`revisionOf: ${c.name}`, () => {
    assert.equal(revisionOf(c.tag, c.digest), c.want);
  });
}
