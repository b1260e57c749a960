// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseBuildSpec, parseFluxKustomization } from "./kustomization-spec.ts";

describe("parseBuildSpec", () => {
  const bad = [
    {
      name: "targetNamespace too long",
      spec: { targetNamespace: "x".repeat(64) },
      message: "spec.targetNamespace: length must be between 1 and 63",
    },
    {
      name: "empty namePrefix",
      spec: { namePrefix: "" },
      message: "spec.namePrefix: length must be between 1 and 200",
    },
    {
      name: "patch without patch",
      spec: { patches: [{ target: { kind: "X" } }] },
      message: "spec.patches[0].patch: is required",
    },
    {
      name: "image without name",
      spec: { images: [{ newTag: "1" }] },
      message: "spec.images[0].name: is required",
    },
    {
      name: "substituteFrom kind",
      spec: { postBuild: { substituteFrom: [{ kind: "Pod", name: "x" }] } },
      message: "spec.postBuild.substituteFrom[0].kind: must be ConfigMap or Secret",
    },
    {
      name: "substitute value not a string",
      spec: { postBuild: { substitute: { a: 1 } } },
      message: "spec.postBuild.substitute.a: must be a string",
    },
    {
      name: "strategy",
      spec: { postBuild: { substituteStrategy: "Never" } },
      message: "spec.postBuild.substituteStrategy: must be WithVariables or Always",
    },
    {
      name: "buildMetadata",
      spec: { buildMetadata: ["x"] },
      message: "spec.buildMetadata[0]: must be originAnnotations or transformerAnnotations",
    },
    { name: "components not a list", spec: { components: "a" }, message: "spec.components: must be a list" },
  ];
  for (const c of bad) {
    test(c.name, () => {
      assert.throws(() => parseBuildSpec(c.spec), { code: "INVALID_SPEC", message: c.message });
    });
  }
  test("keeps the build fields and drops the others", () => {
    const spec = parseBuildSpec({
      interval: "1m",
      prune: true,
      path: "./apps",
      commonMetadata: { labels: { a: "b" } },
      postBuild: { substitute: { v: "1" }, substituteFrom: [{ kind: "Secret", name: "s", optional: true }] },
    });
    assert.deepEqual(spec, {
      path: "./apps",
      commonMetadata: { labels: { a: "b" } },
      postBuild: { substitute: { v: "1" }, substituteFrom: [{ kind: "Secret", name: "s", optional: true }] },
    });
  });
});

describe("parseFluxKustomization", () => {
  const base = {
    apiVersion: "kustomize.toolkit.fluxcd.io/v1",
    kind: "Kustomization",
    metadata: { name: "apps", namespace: "flux-system" },
    spec: {},
  };
  test("v1 object", () => {
    assert.deepEqual(parseFluxKustomization(base), { ...base, spec: {} });
  });
  const bad = [
    {
      name: "kustomize.config.k8s.io is not a Flux Kustomization",
      obj: { ...base, apiVersion: "kustomize.config.k8s.io/v1beta1" },
      message: /^apiVersion: must be one of/,
    },
    { name: "wrong kind", obj: { ...base, kind: "OCIRepository" }, message: /^kind: must be Kustomization$/ },
    { name: "no name", obj: { ...base, metadata: {} }, message: /^metadata\.name: is required$/ },
  ];
  for (const c of bad) {
    test(c.name, () => {
      assert.throws(() => parseFluxKustomization(c.obj), { code: "INVALID_SPEC", message: c.message });
    });
  }
});
