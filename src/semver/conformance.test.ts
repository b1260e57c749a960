// SPDX-License-Identifier: Apache-2.0
// Runs every applicable row of ../shared/conformance/semver/ (see its README for the columns).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import {
  checkConstraint,
  compareVersions,
  formatConstraint,
  formatVersion,
  HELM_CHART_LAYER_MEDIA_TYPE,
  parseConstraint,
  parseFluxTag,
  parseVersion,
  selectTag,
  SemverError,
  validateConstraint,
} from "./index.ts";
import { rewriteRanges } from "./constraint-syntax.ts";

const CORPUS = new URL("../../../shared/conformance/semver/", import.meta.url);

function load<T>(name: string): T[] {
  return JSON.parse(readFileSync(new URL(name, CORPUS), "utf8")) as T[];
}

function label(i: number, ...parts: unknown[]): string {
  return `#${i} ${parts.map((p) => JSON.stringify(p)).join(" ")}`;
}

interface VersionRow {
  input: string;
  valid: boolean;
  normalized?: string;
  parser: string;
  original?: string;
  flux_parse_valid: boolean;
  flux_normalized?: string;
}

describe("versions.json", () => {
  const rows = load<VersionRow>("versions.json");
  rows.forEach((r, i) => {
    test(label(i, "flux", r.input), () => {
      const got = parseFluxTag(r.input);
      assert.equal(got.kind === "version", r.flux_parse_valid);
      if (got.kind === "version") {
        assert.equal(formatVersion(got.version), r.flux_normalized ?? r.normalized);
        assert.equal(got.version.original, r.input);
      }
    });
    if (r.parser !== "NewVersion") return;
    test(label(i, "NewVersion", r.input), () => {
      if (!r.valid) {
        assert.throws(
          () => parseVersion(r.input),
          (e: unknown) => e instanceof SemverError && e.code === "INVALID_VERSION",
        );
        return;
      }
      const v = parseVersion(r.input);
      assert.equal(formatVersion(v), r.normalized);
      if (r.original !== undefined) assert.equal(v.original, r.original);
    });
  });
});

interface ConstraintRow {
  constraint: string;
  version: string;
  expected: boolean;
  includePrerelease?: boolean;
  api: string;
  message?: string;
  messages?: string[];
  public_api?: string;
}

function runConstraintRows(includePrerelease: boolean): void {
  const rows = load<ConstraintRow>("constraints.json").filter(
    (r) => (r.includePrerelease === true) === includePrerelease,
  );
  rows.forEach((r, i) => {
    test(label(i, r.constraint, r.version, r.expected), () => {
      if (r.public_api !== undefined) {
        // NewConstraint("") is an error; only Masterminds' internal single parser accepts it.
        assert.throws(
          () => parseConstraint(r.constraint),
          (e: unknown) => e instanceof SemverError && e.code === "INVALID_SEMVER",
        );
        return;
      }
      const c = parseConstraint(r.constraint);
      const v = parseVersion(r.version);
      assert.equal(checkConstraint(c, v, includePrerelease), r.expected);
      const errors = validateConstraint(c, v, includePrerelease);
      assert.equal(errors.length === 0, r.expected);
      if (r.message !== undefined) assert.equal(errors[0], r.message);
      if (r.messages !== undefined) assert.deepEqual(errors, r.messages);
    });
  });
}

describe("constraints.json (Flux rows: no includePrerelease)", () => {
  runConstraintRows(false);
});

// Flux never sets IncludePrerelease; these rows check the library option for completeness.
describe("constraints.json (includePrerelease rows)", () => {
  runConstraintRows(true);
});

interface ParseRow {
  constraint: string;
  valid: boolean;
  api: string;
  NewConstraint_valid?: boolean;
  version?: string;
  or_groups?: number;
  and_count_first_group?: number;
  string?: string;
  rewritten?: string;
}

describe("constraint_parse.json", () => {
  load<ParseRow>("constraint_parse.json").forEach((r, i) => {
    test(label(i, r.constraint, r.valid), () => {
      const valid = r.NewConstraint_valid ?? r.valid;
      if (!valid) {
        assert.throws(
          () => parseConstraint(r.constraint),
          (e: unknown) => e instanceof SemverError && e.code === "INVALID_SEMVER",
        );
        return;
      }
      const c = parseConstraint(r.constraint);
      if (r.or_groups !== undefined) assert.equal(c.groups.length, r.or_groups);
      if (r.and_count_first_group !== undefined) assert.equal(c.groups[0]?.length, r.and_count_first_group);
      if (r.string !== undefined) assert.equal(formatConstraint(c), r.string);
      if (r.version !== undefined && c.groups[0]?.[0] !== undefined)
        assert.equal(formatVersion(c.groups[0][0].version), r.version);
      if (r.rewritten !== undefined) assert.equal(rewriteRanges(r.constraint), r.rewritten);
    });
  });
});

interface CompareRow {
  a: string;
  b: string;
  op: "compare" | "lt" | "lte" | "gt" | "gte" | "eq";
  expected: number | boolean;
}

describe("compare.json", () => {
  load<CompareRow>("compare.json").forEach((r, i) => {
    test(label(i, r.a, r.op, r.b), () => {
      const d = compareVersions(parseVersion(r.a), parseVersion(r.b));
      const got = { compare: d, lt: d < 0, lte: d <= 0, gt: d > 0, gte: d >= 0, eq: d === 0 }[r.op];
      assert.equal(got, r.expected);
    });
  });
});

interface SelectRow {
  tags: string[];
  semver: string;
  semverFilter?: string;
  layerMediaType?: string;
  expected: string | null;
  error?: "no-match" | "invalid-semver" | "invalid-filter";
}

const ERROR_CODES = {
  "no-match": "NO_MATCHING_TAG",
  "invalid-semver": "INVALID_SEMVER",
  "invalid-filter": "INVALID_FILTER",
};

describe("select.json", () => {
  load<SelectRow>("select.json").forEach((r, i) => {
    test(label(i, r.semver, r.semverFilter ?? ""), () => {
      const opts = {
        ...(r.semverFilter === undefined ? {} : { filter: r.semverFilter }),
        ...(r.layerMediaType === undefined ? {} : { layerMediaType: r.layerMediaType }),
      };
      if (r.error !== undefined) {
        const code = ERROR_CODES[r.error];
        assert.throws(
          () => selectTag(r.tags, r.semver, opts),
          (e: unknown) => e instanceof SemverError && e.code === code,
        );
        return;
      }
      assert.equal(selectTag(r.tags, r.semver, opts).tag, r.expected);
      assert.equal(selectTag(r.tags, r.semver, { ...opts, explain: true }).tag, r.expected);
    });
  });
  test("the Helm media type constant matches the corpus", () => {
    assert.ok(load<SelectRow>("select.json").some((r) => r.layerMediaType === HELM_CHART_LAYER_MEDIA_TYPE));
  });
});
