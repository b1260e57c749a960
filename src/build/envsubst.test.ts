// SPDX-License-Identifier: Apache-2.0
// Every row of ../shared/conformance/envsubst/cases.json (fluxcd/pkg envsubst) through expandTemplate.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, test } from "node:test";
import { TemplateParseError, VarNotSetError, expandTemplate, lookupIn } from "./envsubst.ts";

interface Row {
  readonly input: string;
  readonly vars: Record<string, string>;
  readonly strict: boolean;
  readonly expect?: string;
  readonly error?: "varNotSet" | "parse";
  readonly errorMessage?: string;
  readonly source: string;
}

const CORPUS = resolve(import.meta.dirname, "../../../shared/conformance/envsubst/cases.json");
const rows = JSON.parse(readFileSync(CORPUS, "utf8")) as Row[];

describe("envsubst conformance (cases.json)", () => {
  test("corpus has every row", () => {
    assert.equal(rows.length, 141);
  });
  for (const [i, row] of rows.entries()) {
    test(`#${i} ${JSON.stringify(row.input)} strict=${row.strict}`, () => {
      const run = () => expandTemplate(row.input, lookupIn(row.vars, row.strict));
      if (row.error === "varNotSet") {
        assert.throws(
          run,
          (err: unknown) =>
            err instanceof VarNotSetError && /^variable not set \(strict mode\): "/.test(err.message),
        );
      } else if (row.error === "parse") {
        assert.throws(
          run,
          (err: unknown) => err instanceof TemplateParseError && err.message === row.errorMessage,
        );
      } else {
        assert.equal(run(), row.expect);
      }
    });
  }
});

describe("envsubst edge cases", () => {
  const cases = [
    { name: "empty input", input: "", vars: {}, want: "" },
    { name: "unicode names", input: "${héllo}", vars: { héllo: "x" }, want: "x" },
    { name: "bad glob leaves value", input: "${v#[}", vars: { v: "[abc" }, want: "[abc" },
    { name: "class glob", input: "${v##[a-c]*}", vars: { v: "banana" }, want: "" },
    { name: "negated class", input: "${v#[^b]}", vars: { v: "banana" }, want: "banana" },
    {
      name: "empty old replaces between runes",
      input: "${v//${e}/-}",
      vars: { v: "ab", e: "" },
      want: "-a-b-",
    },
    {
      name: "many substitutions do not overflow the stack",
      input: "${v}".repeat(50_000),
      vars: { v: "x" },
      want: "x".repeat(50_000),
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.equal(expandTemplate(c.input, lookupIn(c.vars, true)), c.want);
    });
  }
});
