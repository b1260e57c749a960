// SPDX-License-Identifier: Apache-2.0
// Every row of ../shared/conformance/envsubst/resources.json (Flux's post-build layer) through substituteObject.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, test } from "node:test";
import { parse } from "yaml";
import type { PostBuild } from "./kustomization-spec.ts";
import { loadVariables, substituteObject, type SubstituteSources } from "./substitute.ts";
import { isCdError } from "../core/index.ts";
import { GO_YAML, parseObjects, toKustomizeYaml } from "./yaml-codec.ts";

interface SourceRow {
  readonly kind: "ConfigMap" | "Secret";
  readonly name: string;
  readonly data?: Record<string, string>;
  readonly stringData?: Record<string, string>;
}
interface Row {
  readonly name: string;
  readonly resource: string;
  readonly postBuild: { substitute?: Record<string, string>; substituteFrom?: SourceRow[] } | null;
  readonly vars: Record<string, string>;
  readonly strict: boolean;
  readonly always?: boolean;
  readonly expect: {
    yaml?: string;
    yamlParsed?: unknown;
    skipped?: boolean;
    errorContains?: string;
    contains?: string[];
    notContains?: string[];
    noError?: boolean;
    sameAs?: string;
  };
}

const CORPUS = resolve(import.meta.dirname, "../../../shared/conformance/envsubst/resources.json");
const rows = JSON.parse(readFileSync(CORPUS, "utf8")) as Row[];

/** The corpus gives the fetched objects inline; split them into the spec's references and the fetched data. */
function inputsOf(row: Row): { postBuild: PostBuild; sources: SubstituteSources } {
  const sources: Record<string, Record<string, string>> = {};
  const from = (row.postBuild?.substituteFrom ?? []).map((s) => {
    sources[`${s.kind}/${s.name}`] = { ...s.data, ...s.stringData };
    return { kind: s.kind, name: s.name };
  });
  const sub = row.postBuild?.substitute;
  return { postBuild: { ...(sub ? { substitute: sub } : {}), substituteFrom: from }, sources };
}

function run(row: Row): { out?: string; err?: unknown } {
  const [obj] = parseObjects(row.resource, row.name);
  assert.ok(obj);
  try {
    const { postBuild, sources } = inputsOf(row);
    const vars = loadVariables(postBuild, sources);
    assert.deepEqual(vars, row.vars);
    // Flux substitutes the object as kustomize re-serialises it, never the source file's bytes.
    const result = substituteObject(obj, toKustomizeYaml(obj), vars, {
      strict: row.strict,
      always: row.always === true,
    });
    return { out: toKustomizeYaml(result ?? obj) };
  } catch (err) {
    return { err };
  }
}

describe("post-build substitution conformance (resources.json)", () => {
  test("corpus has every row", () => {
    assert.equal(rows.length, 12);
  });
  const outputs = new Map<string, string | undefined>();
  for (const row of rows) {
    test(row.name, () => {
      const { out, err } = run(row);
      const e = row.expect;
      if (e.errorContains !== undefined) {
        assert.ok(isCdError(err) && err.code === "SUBSTITUTION_FAILED", String(err));
        assert.ok(err.message.includes(e.errorContains), err.message);
        return;
      }
      assert.equal(err, undefined);
      assert.ok(out !== undefined);
      outputs.set(row.name, out);
      if (e.yaml !== undefined) assert.deepEqual(parse(out, GO_YAML), parse(e.yaml, GO_YAML));
      if (e.skipped === true) assert.equal(out, toKustomizeYaml(parseObjects(row.resource, row.name)[0]));
      if (e.yamlParsed !== undefined) assert.deepEqual(parse(out, GO_YAML), e.yamlParsed);
      for (const s of e.contains ?? []) assert.ok(out.includes(s), `${s} in\n${out}`);
      for (const s of e.notContains ?? []) assert.ok(!out.includes(s), `${s} not in\n${out}`);
      if (e.sameAs !== undefined) assert.equal(out, outputs.get(e.sameAs));
    });
  }
});

describe("loadVariables", () => {
  const cases = [
    {
      name: "optional missing source is skipped",
      postBuild: { substituteFrom: [{ kind: "ConfigMap" as const, name: "x", optional: true }] },
      want: {},
    },
    {
      name: "later source wins, inline wins over both",
      postBuild: {
        substitute: { b: "inline" },
        substituteFrom: [
          { kind: "ConfigMap" as const, name: "a" },
          { kind: "Secret" as const, name: "s" },
        ],
      },
      want: { a: "2", b: "inline" },
    },
  ];
  const sources = { "ConfigMap/a": { a: "1", b: "1" }, "Secret/s": { a: "2\n" } };
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(loadVariables(c.postBuild, sources), c.want);
    });
  }
  test("missing required source fails with Flux's message", () => {
    assert.throws(
      () => loadVariables({ substituteFrom: [{ kind: "Secret", name: "nope" }] }, sources),
      (err: unknown) =>
        isCdError(err) &&
        err.code === "SUBSTITUTION_FAILED" &&
        err.message === "substitute from 'Secret/nope' error: not found",
    );
  });
});
