// SPDX-License-Identifier: Apache-2.0
// Masterminds quirks kept on purpose; each expectation was checked against Masterminds/semver 71f2b39.
import assert from "node:assert/strict";
import { test } from "node:test";
import { checkConstraint, formatConstraint, parseConstraint, parseVersion, SemverError } from "./index.ts";

const checks: { name: string; range: string; version: string; want: boolean }[] = [
  { name: "~0.0.0 matches everything", range: "~0.0.0", version: "5.0.0", want: true },
  { name: "<=* only matches 0.x", range: "<=*", version: "1.0.0", want: false },
  { name: "!=* matches all but 0.0.0", range: "!=*", version: "1.0.0", want: true },
  { name: "!=* rejects 0.0.0", range: "!=*", version: "0.0.0", want: false },
  { name: ">0 means >=1.0.0", range: ">0", version: "0.9.0", want: false },
  { name: "<=1.2 includes 1.2.99", range: "<=1.2", version: "1.2.99", want: true },
  { name: "1.2-1.4 is the version 1.2.0-1.4", range: "1.2-1.4", version: "1.2.0-1.4", want: true },
  { name: "hyphen range includes the upper partial", range: "1.2 - 1.4", version: "1.4.9", want: true },
  { name: "1||2 - 3 rewrites to >=1 || 2 <=3", range: "1||2 - 3", version: "2.5.0", want: true },
  { name: "wildcard with trailing junk after x", range: "x.|", version: "3.0.0", want: true },
  {
    name: "prerelease flag does not cross ||",
    range: ">=1.0.0 || >=2.0.0-0 <2.0.0",
    version: "1.5.0-rc.1",
    want: false,
  },
  { name: "tab separates like space", range: ">=1.0.0\t<2.0.0", version: "1.5.0", want: true },
];

for (const c of checks) {
  test(`checkConstraint ${c.name}`, () => {
    assert.equal(checkConstraint(parseConstraint(c.range), parseVersion(c.version)), c.want);
  });
}

const invalid: { range: string; message: string }[] = [
  { range: ">=1 1 - 2", message: `semver '>=1 1 - 2' parse error: improper constraint: ">=1>= 1, <= 2 "` },
  { range: "1.2.3.4", message: `semver '1.2.3.4' parse error: improper constraint: "1.2.3.4"` },
  {
    range: "12.3.34~ 1.2.3",
    message: `semver '12.3.34~ 1.2.3' parse error: improper constraint: "12.3.34~ 1.2.3"`,
  },
  {
    range: "v1.2.3-beta.01",
    message: `semver 'v1.2.3-beta.01' parse error: invalid version "v1.2.3-beta.01" in constraint`,
  },
  { range: ">=1,", message: `semver '>=1,' parse error: improper constraint: ">=1,"` },
];

for (const c of invalid) {
  test(`parseConstraint rejects ${JSON.stringify(c.range)}`, () => {
    assert.throws(
      () => parseConstraint(c.range),
      (e: unknown) => e instanceof SemverError && e.code === "INVALID_SEMVER" && e.message === c.message,
    );
  });
}

test("parseConstraint is linear on long separator runs (no regex backtracking)", () => {
  const range = `${Array.from({ length: 5000 }, () => ">=1.0.0").join("  ")}  !`;
  const started = performance.now();
  assert.throws(() => parseConstraint(range), SemverError);
  assert.ok(performance.now() - started < 1000);
});

test("formatConstraint keeps operators as written", () => {
  assert.equal(formatConstraint(parseConstraint("=> 1.2, =<2 || ~> v3")), "=>1.2 =<2 || ~>v3");
});
