// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parse } from "yaml";
import { isLocalRelativePath, overlaySpec, pinFifoOrder } from "./overlay.ts";
import type { KustomizationBuildSpec } from "./kustomization-spec.ts";

const withResources = "resources:\n- a.yaml\n";

describe("overlaySpec", () => {
  const cases: {
    name: string;
    text: string;
    action?: "created" | "unchanged";
    spec: KustomizationBuildSpec;
    want: unknown;
  }[] = [
    {
      name: "no spec, resources present: untouched",
      text: "# c\nresources: [a.yaml]\n",
      spec: {},
      want: "# c\nresources: [a.yaml]\n",
    },
    {
      name: "no resources: buildMetadata originAnnotations injected (Flux)",
      text: "configMapGenerator:\n- name: x\n  literals: [a=b]\nbuildMetadata: [transformerAnnotations]\n",
      spec: {},
      want: { configMapGenerator: [{ name: "x", literals: ["a=b"] }], buildMetadata: ["originAnnotations"] },
    },
    {
      name: "overwrite namespace, prefix, suffix; append patches and components",
      text: `${withResources}namespace: a\nnamePrefix: x-\npatches:\n- path: p.yaml\ncomponents: [c1]\n`,
      spec: {
        targetNamespace: "b",
        namePrefix: "y-",
        nameSuffix: "-z",
        patches: [{ patch: "p", target: { kind: "Deployment", name: "" } }],
        components: ["c2"],
      },
      want: {
        resources: ["a.yaml"],
        namespace: "b",
        namePrefix: "y-",
        nameSuffix: "-z",
        patches: [{ path: "p.yaml" }, { patch: "p", target: { kind: "Deployment" } }],
        components: ["c1", "c2"],
      },
    },
    {
      name: "images merge by name: newName overrides, tag/digest replaced together, new names appended",
      text: `${withResources}images:\n- name: a\n  newName: old\n  newTag: '1'\n- name: b\n  digest: sha256:1\n`,
      spec: {
        images: [
          { name: "a", digest: "sha256:2" },
          { name: "b", newTag: "2", newName: "nb" },
          { name: "c", newTag: "3" },
        ],
      },
      want: {
        resources: ["a.yaml"],
        images: [
          { name: "a", newName: "old", digest: "sha256:2" },
          { name: "b", newName: "nb", newTag: "2" },
          { name: "c", newTag: "3" },
        ],
      },
    },
    {
      name: "buildMetadata replaced when set",
      text: withResources,
      spec: { buildMetadata: ["transformerAnnotations"] },
      want: { resources: ["a.yaml"], buildMetadata: ["transformerAnnotations"] },
    },
    {
      name: "empty file",
      text: "",
      spec: { targetNamespace: "n" },
      want: { buildMetadata: ["originAnnotations"], namespace: "n" },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const out = overlaySpec(c.text, c.action ?? "unchanged", c.spec, "/nonexistent");
      assert.deepEqual(typeof c.want === "string" ? out : parse(out), c.want);
    });
  }
  test("a non-list field is INVALID_YAML", () => {
    assert.throws(() => overlaySpec("resources: a\n", "unchanged", {}, "/"), { code: "INVALID_YAML" });
  });
});

describe("isLocalRelativePath", () => {
  const cases = [
    { input: "../comp", want: true },
    { input: "comp", want: true },
    { input: "/abs", want: false },
    { input: "file:///abs", want: false },
    { input: "https://github.com/a/b", want: false },
    { input: "github.com/a/b", want: false },
    { input: "git@github.com:a/b", want: false },
    { input: "GIT::x", want: false },
  ];
  for (const c of cases) {
    test(c.input, () => {
      assert.equal(isLocalRelativePath(c.input), c.want);
    });
  }
});

describe("pinFifoOrder", () => {
  const cases = [
    {
      name: "adds sortOptions fifo",
      text: "resources:\n- a.yaml\n",
      want: "resources:\n- a.yaml\nsortOptions:\n  order: fifo\n",
    },
    {
      name: "keeps the file's own sortOptions",
      text: "sortOptions:\n  order: legacy\n",
      want: "sortOptions:\n  order: legacy\n",
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.equal(pinFifoOrder(c.text), c.want);
    });
  }
});
