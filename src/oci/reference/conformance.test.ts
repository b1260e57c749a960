// SPDX-License-Identifier: Apache-2.0
// The distribution/reference corpus in ../shared/conformance/reference/ as table tests: each row's `api`
// maps to the function of the same name here, and every result field the row carries is checked.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import type { NamedReference } from "./index.ts";
import {
  InvalidReferenceError,
  familiarMatch,
  familiarString,
  isDomainAndPort,
  isIdentifier,
  matchNameGrammar,
  matchReferenceGrammar,
  parse,
  parseAnyReference,
  parseDockerRef,
  parseNamed,
  parseNormalizedNamed,
  parseReference,
  referenceName,
  referenceString,
  withDigest,
  withName,
  withTag,
} from "./index.ts";

interface Row {
  readonly input: string;
  readonly api: string;
  readonly valid: boolean;
  readonly args?: {
    readonly tag?: string;
    readonly digest?: string;
    readonly pattern?: string;
    readonly parse?: string;
  };
  readonly error?: string;
  readonly message?: string;
  readonly [field: string]: unknown;
}

/** Fields of a row that are results (the rest are inputs and provenance). */
const RESULT_FIELDS = [
  "domain",
  "path",
  "repository",
  "tag",
  "digest",
  "string",
  "normalized",
  "familiar",
  "reftype",
  "match",
];

type Fields = Readonly<Record<string, unknown>>;
type Outcome =
  { readonly valid: true; readonly fields: Fields } | { readonly valid: false; readonly error?: unknown };

const CORPUS_DIR = new URL("../../../../shared/conformance/reference/", import.meta.url);

function loadCorpus(file: string): readonly Row[] {
  const url = new URL(file, CORPUS_DIR);
  let text: string;
  try {
    text = readFileSync(url, "utf8");
  } catch (err) {
    throw new Error(
      `reference conformance corpus ${url.pathname} is missing (shared/conformance/reference)`,
      { cause: err },
    );
  }
  const rows = JSON.parse(text) as unknown;
  assert.ok(Array.isArray(rows), `${file} is not a JSON array`);
  return rows as Row[];
}

function namedFields(ref: NamedReference): Fields {
  return {
    domain: ref.domain,
    path: ref.path,
    repository: referenceName(ref),
    tag: ref.tag,
    digest: ref.digest,
  };
}

function normalizedFields(ref: NamedReference | string): Fields {
  if (typeof ref === "string") return { normalized: ref, familiar: ref, reftype: "digest" };
  const reftype = [ref.tag === undefined ? "" : "tagged", ref.digest === undefined ? "" : "digested"]
    .filter(Boolean)
    .join("+");
  return {
    normalized: referenceString(ref),
    familiar: familiarString(ref),
    domain: ref.domain,
    path: ref.path,
    reftype: reftype === "" ? "name" : reftype,
  };
}

/** `WithTag` applies the digest first, then the tag; `WithDigest` the other way round (see README). */
function build(row: Row): string {
  const named =
    row.args?.parse === "ParseNormalizedNamed" ? parseNormalizedNamed(row.input) : withName(row.input);
  const { tag, digest } = row.args ?? {};
  let ref = named;
  if (row.api === "WithTag") {
    if (digest !== undefined) ref = withDigest(ref, digest);
    ref = withTag(ref, tag ?? "");
  } else {
    if (tag !== undefined) ref = withTag(ref, tag);
    ref = withDigest(ref, digest ?? "");
  }
  return referenceString(ref);
}

function grammar(row: Row): Outcome {
  const ok = (fields: Fields): Outcome => ({ valid: true, fields });
  switch (row.api) {
    case "regexp:domainAndPort":
      return isDomainAndPort(row.input) ? ok({}) : { valid: false };
    case "regexp:anchoredIdentifier":
      return isIdentifier(row.input) ? ok({}) : { valid: false };
    case "regexp:anchoredName": {
      const m = matchNameGrammar(row.input);
      return m === undefined ? { valid: false } : ok({ domain: m.domain, path: m.path });
    }
    default: {
      const m = matchReferenceGrammar(row.input);
      return m === undefined ? { valid: false } : ok({ repository: m.name, tag: m.tag, digest: m.digest });
    }
  }
}

function call(row: Row): Fields {
  switch (row.api) {
    case "Parse":
    case "Field.UnmarshalText":
      return namedFields(parse(row.input));
    case "WithName":
      return namedFields(withName(row.input));
    case "WithTag":
    case "WithDigest":
      return { string: build(row) };
    case "ParseNormalizedNamed":
      return normalizedFields(parseNormalizedNamed(row.input));
    case "ParseNamed":
      return normalizedFields(parseNamed(row.input));
    case "ParseAnyReference":
      return normalizedFields(parseAnyReference(row.input));
    case "ParseDockerRef":
      return normalizedFields(parseDockerRef(row.input));
    case "FamiliarMatch":
      return { match: familiarMatch(row.args?.pattern ?? "", parseAnyReference(row.input)) };
    default:
      throw new Error(`no function for api ${row.api}`);
  }
}

function run(row: Row): Outcome {
  if (row.api.startsWith("regexp:")) return grammar(row);
  try {
    return { valid: true, fields: call(row) };
  } catch (error) {
    return { valid: false, error };
  }
}

/** Fields checked for absence too: the corpus asserts that a valid strict reference has no tag or digest. */
const ABSENT_MEANS_NONE = new Set(["Parse", "Field.UnmarshalText", "WithName", "regexp:reference"]);

function check(row: Row, want: Row): void {
  const got = run(row);
  if (!want.valid) {
    if (got.valid) assert.fail("want an error");
    if (row.api.startsWith("regexp:")) return;
    const err = got.error;
    assert.ok(err instanceof InvalidReferenceError, `want InvalidReferenceError, got ${String(err)}`);
    assert.equal(err.code, "INVALID_REFERENCE");
    assert.equal(err.reason, want.error);
    assert.equal(err.detail, want.message ?? want.error);
    const what = row.api === "FamiliarMatch" ? "pattern" : "reference";
    assert.ok(
      err.message.startsWith(`invalid ${what} ${JSON.stringify(err.input)}: ${want.error ?? ""}`),
      err.message,
    );
    if (!["WithTag", "WithDigest", "FamiliarMatch"].includes(row.api)) assert.equal(err.input, row.input);
    return;
  }
  if (!got.valid) assert.fail(`want valid, got ${String(got.error)}`);
  for (const field of RESULT_FIELDS) {
    if (field in want || (ABSENT_MEANS_NONE.has(row.api) && field in got.fields)) {
      assert.deepEqual(got.fields[field], want[field], field);
    }
  }
  if (row.api === "Parse" || row.api === "Field.UnmarshalText")
    assert.equal(referenceString(parse(row.input)), row.input);
}

/**
 * Rows the corpus README marks informative, with what ocisync does instead. Upstream's tests register only
 * sha256, so they reject sha512; the OCI image-spec registers sha512 and ocisync accepts it.
 */
function informative(row: Row): Row | undefined {
  if (row.api !== "Parse" || !row.input.startsWith("validname@sha512:")) return undefined;
  const digest = row.input.slice("validname@".length);
  return {
    input: row.input,
    api: row.api,
    valid: true,
    domain: "",
    path: "validname",
    repository: "validname",
    digest,
  };
}

for (const file of ["parse.json", "normalize.json"]) {
  const rows = loadCorpus(file);
  const apis = [...new Set(rows.map((r) => r.api))];
  for (const api of apis) {
    describe(`${file} ${api}`, () => {
      for (const [i, row] of rows.entries()) {
        if (row.api !== api) continue;
        const override = informative(row);
        const label = `#${i} ${JSON.stringify(row.input.length > 80 ? `${row.input.slice(0, 77)}...` : row.input)}`;
        test(override === undefined ? label : `${label} (informative: ocisync accepts sha512)`, () => {
          check(row, override ?? row);
        });
      }
    });
  }
}

// parseReference is ParseNormalizedNamed with the ocisync Reference shape and an optional oci:// prefix.
describe("parseReference agrees with ParseNormalizedNamed", () => {
  const rows = loadCorpus("normalize.json").filter((r) => r.api === "ParseNormalizedNamed");
  for (const [i, row] of rows.entries()) {
    test(`#${i} ${JSON.stringify(row.input.slice(0, 80))}`, () => {
      for (const s of [row.input, `oci://${row.input}`]) {
        if (!row.valid) {
          assert.throws(
            () => parseReference(s),
            (err: unknown) =>
              err instanceof InvalidReferenceError && err.reason === row.error && err.input === s,
          );
          continue;
        }
        const ref = parseReference(s);
        assert.equal(ref.registry, row["domain"]);
        assert.equal(ref.repository, row["path"]);
      }
    });
  }
});
