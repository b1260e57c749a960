// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, test } from "node:test";
import { setCommonMetadata } from "./build.ts";
import { describeObject, gvk, labelsOf, nameOf, namespaceOf } from "./unstructured.ts";
import { parseDocuments, parseObjects, toKustomizeYaml } from "./yaml-codec.ts";

describe("parseDocuments", () => {
  test("keeps each document's text without its --- marker and drops empty documents", () => {
    const text = "a: 1\n---\n---\nb:\n- x\n---\n# only a comment\n";
    assert.deepEqual(parseDocuments(text, "t"), [
      { text: "a: 1\n", value: { a: 1 } },
      { text: "b:\n- x\n", value: { b: ["x"] } },
    ]);
  });
  test("go-yaml v2 scalars: YAML 1.1 booleans and octal, but no sexagesimal or timestamps", () => {
    const [doc] = parseDocuments("a: yes\nb: 0755\nc: 10:30\nd: 2001-12-14\ne: 'on'\n", "t");
    assert.deepEqual(doc?.value, { a: true, b: 493, c: "10:30", d: "2001-12-14", e: "on" });
  });
  test("malformed YAML is INVALID_YAML naming the source", () => {
    assert.throws(() => parseDocuments("a: [\n", "x.yaml"), { code: "INVALID_YAML", message: /^x\.yaml: / });
    assert.throws(() => parseObjects("- a\n", "y.yaml"), {
      code: "INVALID_YAML",
      message: "y.yaml: document 1 is not a mapping",
    });
  });
});

describe("toKustomizeYaml", () => {
  const cases = [
    {
      name: "sorted keys, unindented sequences",
      obj: { kind: "K", apiVersion: "v1", list: [{ b: 1, a: 2 }] },
      want: "apiVersion: v1\nkind: K\nlist:\n- a: 2\n  b: 1\n",
    },
    {
      name: "ambiguous strings quoted",
      obj: { a: "yes", b: "8080", c: "${x}", d: null },
      want: 'a: "yes"\nb: "8080"\nc: ${x}\nd: null\n',
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.equal(toKustomizeYaml(c.obj), c.want);
    });
  }
});

describe("unstructured helpers and commonMetadata", () => {
  const obj = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "prod", labels: { a: "1", team: "old" } },
  };
  test("accessors", () => {
    assert.deepEqual(gvk(obj), { group: "apps", version: "v1", kind: "Deployment" });
    assert.deepEqual(gvk({ apiVersion: "v1", kind: "ConfigMap" }), {
      group: "",
      version: "v1",
      kind: "ConfigMap",
    });
    assert.equal(nameOf(obj), "web");
    assert.equal(namespaceOf(obj), "prod");
    assert.equal(namespaceOf({}), "");
    assert.equal(describeObject(obj), "Deployment/prod/web");
  });
  test("setCommonMetadata overrides existing keys and adds maps only when non-empty", () => {
    const out = setCommonMetadata(obj, { labels: { team: "new" }, annotations: { x: "y" } });
    assert.deepEqual(labelsOf(out), { a: "1", team: "new" });
    assert.deepEqual((out.metadata as Record<string, unknown>).annotations, { x: "y" });
    assert.deepEqual(labelsOf(obj), { a: "1", team: "old" }, "input not mutated");
    assert.deepEqual(setCommonMetadata({ metadata: { name: "n" } }, {}), { metadata: { name: "n" } });
  });
});

describe("toKustomizeYaml against kustomize's own printer (the kustomize corpus)", () => {
  // Where the `yaml` package's printer differs from go-yaml v2 (used only for objects that substitution or
  // commonMetadata changed): go-yaml writes `|2` for a block scalar starting with an empty line, double-quotes
  // a string with a space before a line break, and folds long flow scalars at a slightly different column.
  const KNOWN = new Set([
    "generator-basics/blah-bob-g9df72cd5b",
    "generator-basics/blah-json-m8529t979f",
    "medium-overlay/test-infra-app-config-49d6f5h7b5",
  ]);
  const corpus = resolve(import.meta.dirname, "../../../shared/conformance/kustomize");
  test("every other document prints byte for byte as kustomize printed it", () => {
    const differ: string[] = [];
    let total = 0;
    for (const c of readdirSync(corpus, { withFileTypes: true }).filter((e) => e.isDirectory())) {
      for (const d of parseDocuments(readFileSync(join(corpus, c.name, "expected.yaml"), "utf8"), c.name)) {
        total++;
        const obj = d.value as Record<string, unknown>;
        if (toKustomizeYaml(obj) !== d.text) differ.push(`${c.name}/${nameOf(obj)}`);
      }
    }
    assert.equal(total, 81);
    assert.deepEqual(new Set(differ), KNOWN);
  });
});
