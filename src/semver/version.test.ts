// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { test } from "node:test";
import { compareVersions, formatVersion, parseFluxTag, parseVersion, SemverError } from "./index.ts";

const tags: { tag: string; want: string }[] = [
  { tag: "v1.2.3", want: "1.2.3" },
  { tag: "1.2-rc.1", want: "1.2.0-rc.1" },
  { tag: "v2025.02.03", want: "2025.2.3" },
  { tag: "18446744073709551615.0.0", want: "18446744073709551615.0.0" },
  { tag: "1", want: "needs three dot-separated parts (has 1)" },
  { tag: "v1.2", want: "needs three dot-separated parts (has 2)" },
  { tag: `sha256-${"0".repeat(64)}.att`, want: "cosign signature or attestation tag" },
  { tag: "V1.2.3", want: "only a lowercase v prefix is allowed" },
  { tag: "release-1.2.3", want: "must start with a number or v" },
  { tag: "1.2.beta", want: '"beta" is not a number' },
  { tag: "1.2.3.4", want: "more than three numeric parts" },
  { tag: "1.2.3a", want: 'unexpected "a" at offset 5' },
  { tag: "1.0.0-alpha_beta", want: 'invalid prerelease: "_" at offset 11 (allowed: 0-9 A-Z a-z - and dots)' },
  { tag: "1.0.0-alpha..1", want: 'invalid prerelease: "." at offset 12 (allowed: 0-9 A-Z a-z - and dots)' },
  { tag: "1.2.3-01", want: "numeric prerelease identifier at offset 6 has a leading zero" },
  { tag: "1.2.3+a+b", want: 'invalid build metadata: "+" at offset 7' },
  { tag: "1.2.3+", want: "invalid build metadata: empty identifier" },
  { tag: "18446744073709551616.0.0", want: "a number does not fit in 64 bits" },
];

for (const c of tags) {
  test(`parseFluxTag ${JSON.stringify(c.tag)}`, () => {
    const got = parseFluxTag(c.tag);
    assert.equal(got.kind === "version" ? formatVersion(got.version) : got.reason, c.want);
    if (got.kind === "version") assert.equal(got.version.original, c.tag);
  });
}

test("parseVersion error", () => {
  assert.throws(
    () => parseVersion("1.2.3.4"),
    (e: unknown) =>
      e instanceof SemverError &&
      e.code === "INVALID_VERSION" &&
      e.message === 'invalid semantic version "1.2.3.4": more than three numeric parts',
  );
});

const order: { a: string; b: string; want: number }[] = [
  { a: "1.0.0-rc.10", b: "1.0.0-rc.2", want: 1 },
  { a: "1.0.0-rc9", b: "1.0.0-rc10", want: 1 },
  { a: "1.0.0-1", b: "1.0.0-a", want: -1 },
  { a: "1.0.0-BETA", b: "1.0.0-alpha", want: -1 },
  { a: "1.0.0", b: "v1.0.0+x", want: 0 },
  { a: "18446744073709551615.0.0", b: "18446744073709551614.0.0", want: 1 },
  { a: "1.0.0-99999999999999999999", b: "1.0.0-18446744073709551615", want: 1 },
];

for (const c of order) {
  test(`compareVersions ${c.a} vs ${c.b}`, () => {
    assert.equal(compareVersions(parseVersion(c.a), parseVersion(c.b)), c.want);
    assert.equal(compareVersions(parseVersion(c.b), parseVersion(c.a)), -c.want || 0);
  });
}
