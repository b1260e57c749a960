// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { test } from "node:test";
import { formatChange, hasChanges } from "./changeset.ts";
import type { ObjectRef } from "./object.ts";
import { sortForPruning, staleRefs } from "./prune.ts";

const r = (
  kind: string,
  namespace: string,
  name: string,
  group = "",
  version = "v1",
): { ref: ObjectRef } => ({
  ref: { group, version, kind, namespace, name },
});

test("staleRefs: previous minus current, versions ignored, duplicates once", () => {
  const previous = [
    r("ConfigMap", "a", "x"),
    r("Deployment", "a", "web", "apps", "v1beta1"),
    r("ConfigMap", "a", "y"),
    r("ConfigMap", "a", "y"),
  ];
  const current = [r("ConfigMap", "a", "x").ref, r("Deployment", "a", "web", "apps", "v1").ref];
  assert.deepEqual(staleRefs(previous, current), [r("ConfigMap", "a", "y")]);
});

test("sortForPruning: reverse apply order (workloads before their namespace)", () => {
  const got = sortForPruning([
    r("Namespace", "", "a"),
    r("ConfigMap", "a", "c"),
    r("Deployment", "a", "d", "apps"),
    r("CustomResourceDefinition", "", "w.x", "apiextensions.k8s.io"),
  ]);
  assert.deepEqual(
    got.map((c) => c.ref.kind),
    ["Deployment", "ConfigMap", "Namespace", "CustomResourceDefinition"],
  );
});

const entry = (action: "created" | "unchanged" | "skipped" | "deleted") => ({
  subject: "ConfigMap/a/x",
  action,
  ref: r("ConfigMap", "a", "x").ref,
});
const changeCases = [
  { name: "all unchanged or skipped", input: [entry("unchanged"), entry("skipped")], want: false },
  { name: "one created", input: [entry("unchanged"), entry("created")], want: true },
  { name: "one deleted", input: [entry("deleted")], want: true },
];
for (const c of changeCases) {
  test(`hasChanges: ${c.name}`, () => {
    assert.equal(hasChanges({ entries: c.input }), c.want);
  });
}

test("formatChange is Flux's line", () => {
  assert.equal(formatChange(entry("created")), "ConfigMap/a/x created");
});
