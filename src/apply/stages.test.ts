// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { suite, test } from "node:test";
import type { Unstructured } from "./object.ts";
import { planStages, sortForApply, sortForPrune } from "./stages.ts";

function obj(apiVersion: string, kind: string, name: string, namespace?: string): Unstructured {
  return { apiVersion, kind, metadata: { name, ...(namespace === undefined ? {} : { namespace }) } };
}

function ids(list: readonly Unstructured[]): string[] {
  return list.map((o) => {
    const m = o["metadata"] as { name: string; namespace?: string };
    return `${String(o["kind"])}/${m.namespace ?? ""}/${m.name}`;
  });
}

suite("stages", () => {
  const all = [
    obj("apps/v1", "Deployment", "web", "apps"),
    obj("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration", "hook"),
    obj("v1", "ConfigMap", "b", "apps"),
    obj("v1", "ConfigMap", "a", "apps"),
    obj("v1", "ConfigMap", "a", "aaa"),
    obj("networking.k8s.io/v1", "IngressClass", "nginx"),
    obj("example.com/v1", "Widget", "w", "apps"),
    obj("apiextensions.k8s.io/v1", "CustomResourceDefinition", "widgets.example.com"),
    obj("v1", "Namespace", "apps"),
    obj("rbac.authorization.k8s.io/v1", "ClusterRole", "reader"),
    obj("example.com/v1", "GadgetClass", "g"),
    obj("networking.k8s.io/v1", "Ingress", "web", "apps"),
    obj("v1", "ServiceAccount", "sa", "apps"),
    obj("batch/v1", "Job", "migrate", "apps"),
  ];

  const cases = [
    {
      name: "definitions, classes, rest; each in Flux's order",
      input: { objects: all, custom: [] as string[] },
      want: [
        [
          "definitions",
          ["CustomResourceDefinition//widgets.example.com", "Namespace//apps", "ClusterRole//reader"],
        ],
        ["classes", ["IngressClass//nginx", "GadgetClass//g"]],
        [
          "rest",
          [
            "ServiceAccount/apps/sa",
            "ConfigMap/aaa/a",
            "ConfigMap/apps/a",
            "ConfigMap/apps/b",
            "Deployment/apps/web",
            "Job/apps/migrate",
            "Widget/apps/w",
            "Ingress/apps/web",
            "ValidatingWebhookConfiguration//hook",
          ],
        ],
      ],
    },
    {
      name: "custom stage kinds come before the rest (case-insensitive)",
      input: { objects: [all[0], all[13]] as Unstructured[], custom: ["job"] },
      want: [
        ["custom", ["Job/apps/migrate"]],
        ["rest", ["Deployment/apps/web"]],
      ],
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const got = planStages(c.input.objects, c.input.custom).map((s) => [s.name, ids(s.objects)]);
      assert.deepEqual(got, c.want);
    });
  }

  test("waits after definitions and classes only", () => {
    assert.deepEqual(
      planStages(all).map((s) => [s.name, s.waitReady]),
      [
        ["definitions", true],
        ["classes", true],
        ["rest", false],
      ],
    );
  });

  test("prune order is the reverse of apply order", () => {
    assert.deepEqual(ids(sortForPrune(all)), ids(sortForApply(all)).reverse());
  });
});
