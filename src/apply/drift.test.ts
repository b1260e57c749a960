// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { test } from "node:test";
import { hasDrifted } from "./drift.ts";

const live = {
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name: "c", resourceVersion: "1", labels: { a: "1" }, managedFields: [{ manager: "x" }] },
  data: { k: "v" },
};

const cases = [
  {
    name: "same object, different server metadata",
    dryRun: { ...live, metadata: { name: "c", resourceVersion: "2", labels: { a: "1" } } },
    want: false,
  },
  {
    name: "key order does not matter",
    dryRun: { data: { k: "v" }, metadata: live.metadata, kind: "ConfigMap", apiVersion: "v1" },
    want: false,
  },
  { name: "a data value changed", dryRun: { ...live, data: { k: "w" } }, want: true },
  {
    name: "a label changed",
    dryRun: { ...live, metadata: { ...live.metadata, labels: { a: "2" } } },
    want: true,
  },
  {
    name: "an annotation was added",
    dryRun: { ...live, metadata: { ...live.metadata, annotations: { n: "1" } } },
    want: true,
  },
  {
    name: "empty annotations equal absent ones",
    dryRun: { ...live, metadata: { ...live.metadata, annotations: {} } },
    want: false,
  },
  { name: "status is ignored", dryRun: { ...live, status: { x: 1 } }, want: false },
  {
    name: "a field was removed",
    dryRun: { apiVersion: "v1", kind: "ConfigMap", metadata: live.metadata },
    want: true,
  },
];
for (const c of cases) {
  test(`hasDrifted: ${c.name}`, () => {
    assert.equal(hasDrifted(live, c.dryRun), c.want);
  });
}
