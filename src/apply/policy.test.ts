// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Unstructured } from "./object.ts";
import { skipApplyReason, skipPruneReason, ssaPolicyOf } from "./policy.ts";

function cm(annotations: Record<string, string> = {}, labels: Record<string, string> = {}): Unstructured {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", annotations, labels } };
}
const K = "kustomize.toolkit.fluxcd.io";

const applyCases: {
  name: string;
  desired: Unstructured;
  live: Unstructured | undefined;
  want: string | undefined;
}[] = [
  { name: "no policy", desired: cm(), live: cm(), want: undefined },
  {
    name: "reconcile disabled on desired",
    desired: cm({ [`${K}/reconcile`]: "disabled" }),
    live: undefined,
    want: "reconcile disabled",
  },
  {
    name: "reconcile Disabled on live (case-insensitive)",
    desired: cm(),
    live: cm({ [`${K}/reconcile`]: "Disabled" }),
    want: "reconcile disabled",
  },
  {
    name: "ssa Ignore as a label",
    desired: cm({}, { [`${K}/ssa`]: "Ignore" }),
    live: cm(),
    want: "ssa ignore",
  },
  {
    name: "IfNotPresent and absent: applied",
    desired: cm({ [`${K}/ssa`]: "IfNotPresent" }),
    live: undefined,
    want: undefined,
  },
  {
    name: "IfNotPresent and present: skipped",
    desired: cm({ [`${K}/ssa`]: "ifnotpresent" }),
    live: cm(),
    want: "ssa if-not-present",
  },
  { name: "Merge is applied", desired: cm({ [`${K}/ssa`]: "Merge" }), live: cm(), want: undefined },
];
for (const c of applyCases) {
  test(`skipApplyReason: ${c.name}`, () => {
    assert.equal(skipApplyReason(c.desired, c.live), c.want);
  });
}

const pruneCases = [
  { name: "unprotected", live: cm(), want: undefined },
  { name: "prune disabled", live: cm({ [`${K}/prune`]: "disabled" }), want: "prune disabled" },
  {
    name: "reconcile disabled",
    live: cm({}, { [`${K}/reconcile`]: "disabled" }),
    want: "reconcile disabled",
  },
  { name: "ssa ignore", live: cm({ [`${K}/ssa`]: "IGNORE" }), want: "ssa ignore" },
];
for (const c of pruneCases) {
  test(`skipPruneReason: ${c.name}`, () => {
    assert.equal(skipPruneReason(c.live), c.want);
  });
}

test("ssaPolicyOf defaults to Override", () => {
  assert.equal(ssaPolicyOf(undefined), "Override");
  assert.equal(ssaPolicyOf(cm({ [`${K}/ssa`]: "bogus" })), "Override");
  assert.equal(ssaPolicyOf(cm({ [`${K}/ssa`]: "merge" })), "Merge");
});
