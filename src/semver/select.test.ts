// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { test } from "node:test";
import { HELM_CHART_LAYER_MEDIA_TYPE, SemverError, selectTag } from "./index.ts";
import type { SelectOptions, TagVerdict } from "./index.ts";

const COSIGN = `sha256-${"a".repeat(64)}.sig`;

const selections: {
  name: string;
  tags: string[];
  range: string;
  opts?: SelectOptions;
  want: string;
  version?: string;
}[] = [
  {
    name: "style guide E4",
    tags: ["1.2.0", "v1.3.0", "1.3", "latest"],
    range: ">=1.2.0",
    want: "v1.3.0",
    version: "1.3.0",
  },
  {
    name: "v tie: lexically smallest wins (listed first)",
    tags: ["1.0.0", "v1.0.0"],
    range: "*",
    want: "1.0.0",
  },
  {
    name: "v tie: lexically smallest wins (listed last)",
    tags: ["v1.0.0", "1.0.0"],
    range: "*",
    want: "1.0.0",
  },
  {
    name: "build metadata tie",
    tags: ["1.0.0+b", "1.0.0+a"],
    range: "1.x",
    want: "1.0.0+a",
    version: "1.0.0+a",
  },
  {
    name: "tie among more than 12 matches is deterministic",
    tags: Array.from({ length: 20 }, (_, i) => `1.0.0+${String(20 - i).padStart(2, "0")}`),
    range: "*",
    want: "1.0.0+01",
  },
  {
    name: "prerelease admitted by -0, any tuple",
    tags: ["1.9.0", "2.0.0-beta.1"],
    range: ">=1.0.0-0 <2.0.0",
    want: "2.0.0-beta.1",
  },
  {
    name: "prerelease numeric order",
    tags: ["1.0.0-rc.2", "1.0.0-rc.10", "1.0.0-rc.9"],
    range: "*-0",
    want: "1.0.0-rc.10",
  },
  {
    name: "filter does not admit prereleases",
    tags: ["1.0.0", "1.1.0-rc.1"],
    range: ">=1.0.0",
    opts: { filter: "rc" },
    want: "",
  },
  {
    name: "empty filter means none",
    tags: ["1.0.0", "2.0.0"],
    range: "*",
    opts: { filter: "" },
    want: "2.0.0",
  },
  {
    name: "calver with leading zeros",
    tags: ["v2025.07.03", "v2025.10.01", "v2025.9.30"],
    range: ">=2025.0.0",
    want: "v2025.10.01",
    version: "2025.10.1",
  },
  {
    name: "cosign and junk ignored",
    tags: [COSIGN, "main", "1.0.0", "sha-abc123"],
    range: "*",
    want: "1.0.0",
  },
  {
    name: "helm _ means +",
    tags: ["6.2.1_ref.1", "6.2.0"],
    range: ">=6.2.0",
    opts: { layerMediaType: HELM_CHART_LAYER_MEDIA_TYPE },
    want: "6.2.1_ref.1",
    version: "6.2.1+ref.1",
  },
  {
    name: "without helm media type _ is not a version",
    tags: ["6.2.1_ref.1", "6.2.0"],
    range: ">=6.2.0",
    want: "6.2.0",
  },
];

for (const c of selections) {
  test(`selectTag: ${c.name}`, () => {
    if (c.want === "") {
      assert.throws(
        () => selectTag(c.tags, c.range, c.opts),
        (e: unknown) => e instanceof SemverError && e.code === "NO_MATCHING_TAG",
      );
      return;
    }
    const got = selectTag(c.tags, c.range, c.opts);
    assert.equal(got.tag, c.want);
    if (c.version !== undefined) assert.equal(got.version, c.version);
    assert.deepEqual(got.verdicts, []);
    assert.equal(selectTag(c.tags, c.range, { ...c.opts, explain: true }).tag, c.want);
  });
}

test("selectTag explain: one verdict per tag, in input order, with reasons", () => {
  const tags = [
    "v1.0.0",
    "0.9.0",
    "1.2.0-rc.1",
    "1.1.0",
    "latest",
    COSIGN,
    "V1.3.0",
    "1.1.0+build.2",
    "2.0.0",
    "1.0",
  ];
  const got = selectTag(tags, ">=1.0.0 <2.0.0", { explain: true, filter: "^[^2]" });
  const want: TagVerdict[] = [
    { tag: "v1.0.0", verdict: "superseded", version: "1.0.0", reason: "in range, but 1.1.0 is higher" },
    {
      tag: "0.9.0",
      verdict: "out-of-range",
      version: "0.9.0",
      reason: 'out of range: 0.9.0 does not satisfy >=1.0.0 <2.0.0 ("0.9.0" is less than "1.0.0")',
    },
    {
      tag: "1.2.0-rc.1",
      verdict: "prerelease-excluded",
      version: "1.2.0-rc.1",
      reason:
        "prerelease 1.2.0-rc.1 excluded: the range has no prerelease (add -0, as in >=1.0.0-0, to admit prereleases)",
    },
    {
      tag: "1.1.0",
      verdict: "selected",
      version: "1.1.0",
      reason:
        "selected: highest version satisfying >=1.0.0 <2.0.0; won a tie against 1 other tag (the lexically smallest tag wins)",
    },
    {
      tag: "latest",
      verdict: "not-a-version",
      reason: "not a version: needs three dot-separated parts (has 1)",
    },
    { tag: COSIGN, verdict: "not-a-version", reason: "not a version: cosign signature or attestation tag" },
    {
      tag: "V1.3.0",
      verdict: "not-a-version",
      reason: "not a version: only a lowercase v prefix is allowed",
    },
    {
      tag: "1.1.0+build.2",
      verdict: "lost-tie",
      version: "1.1.0+build.2",
      reason: "lost a tie to 1.1.0 (same version 1.1.0; the lexically smallest tag wins)",
    },
    { tag: "2.0.0", verdict: "filtered-out", reason: 'filtered out: does not match semverFilter "^[^2]"' },
    {
      tag: "1.0",
      verdict: "not-a-version",
      reason: "not a version: needs three dot-separated parts (has 2)",
    },
  ];
  assert.deepEqual(got.verdicts, want);
  assert.equal(got.tag, "1.1.0");
});

test("selectTag explain: duplicate tag and a prerelease excluded by its branch", () => {
  const got = selectTag(
    ["1.2.4", "v1.2.4", "1.2.4", "2.1.0-rc.1"],
    ">=1.2.0 <1.3.0 || >=2.0.0-0 <2.1.0-0 || >=2.0.0",
    { explain: true },
  );
  assert.deepEqual(
    got.verdicts.map((v) => [v.verdict, v.reason]),
    [
      [
        "selected",
        "selected: highest version satisfying >=1.2.0 <1.3.0 || >=2.0.0-0 <2.1.0-0 || >=2.0.0; won a tie against 2 other tags (the lexically smallest tag wins)",
      ],
      ["lost-tie", "lost a tie to 1.2.4 (same version 1.2.4; the lexically smallest tag wins)"],
      ["lost-tie", "lost a tie to 1.2.4 (same version 1.2.4; listed twice)"],
      [
        "prerelease-excluded",
        "prerelease 2.1.0-rc.1 excluded: the ||-branches it satisfies have no prerelease",
      ],
    ],
  );
});

const failures: {
  name: string;
  tags: string[];
  range: string;
  opts?: SelectOptions;
  code: string;
  message: string;
}[] = [
  {
    name: "no match names range and counts",
    tags: ["6.1.4", "6.1.5", "6.1.6", "latest"],
    range: "<= 6.1.0",
    code: "NO_MATCHING_TAG",
    message: "no match found for semver: <= 6.1.0 (4 tags seen: 3 out of range, 1 not a version)",
  },
  {
    name: "no tags",
    tags: [],
    range: "*",
    code: "NO_MATCHING_TAG",
    message: "no match found for semver: * (0 tags seen)",
  },
  {
    name: "all filtered",
    tags: ["1.0.0", "1.1.0-rc.1"],
    range: ">= 1.0.0-0",
    opts: { filter: "alpha" },
    code: "NO_MATCHING_TAG",
    message: "no match found for semver: >= 1.0.0-0 (2 tags seen: 2 filtered out)",
  },
  {
    name: "prerelease only",
    tags: ["1.1.0-rc.1"],
    range: "^1.0.0",
    code: "NO_MATCHING_TAG",
    message: "no match found for semver: ^1.0.0 (1 tag seen: 1 prerelease excluded)",
  },
  {
    name: "invalid range",
    tags: ["1.0.0"],
    range: "latest",
    code: "INVALID_SEMVER",
    message: `semver 'latest' parse error: improper constraint: "latest"`,
  },
  {
    name: "empty range",
    tags: ["1.0.0"],
    range: "",
    code: "INVALID_SEMVER",
    message: `semver '' parse error: improper constraint: ""`,
  },
  {
    name: "bad version in range",
    tags: ["1.0.0"],
    range: ">=1|2",
    code: "INVALID_SEMVER",
    message: `semver '>=1|2' parse error: invalid version "1|2" in constraint`,
  },
  {
    name: "filter is checked before the range, as in Flux",
    tags: ["1.0.0"],
    range: "bogus",
    opts: { filter: "(" },
    code: "INVALID_FILTER",
    message: "semverFilter '(' error parsing regexp: missing closing ): `(`",
  },
];

for (const c of failures) {
  test(`selectTag fails: ${c.name}`, () => {
    assert.throws(
      () => selectTag(c.tags, c.range, c.opts),
      (e: unknown) =>
        e instanceof SemverError && e.code === c.code && e.message === c.message && !e.retryable,
    );
  });
}

test("NO_MATCHING_TAG carries structured fields", () => {
  try {
    selectTag(["1.0.0", "2.0.0"], ">3", { filter: "." });
    assert.fail("expected an error");
  } catch (e) {
    assert.ok(e instanceof SemverError);
    assert.equal(e.range, ">3");
    assert.equal(e.filter, ".");
    assert.equal(e.tagsSeen, 2);
  }
});
