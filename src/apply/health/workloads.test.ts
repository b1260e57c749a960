// SPDX-License-Identifier: Apache-2.0
// Rules the kstatus corpus does not reach (partitions, OnDelete, revisions, updated counts).
import assert from "node:assert/strict";
import { test } from "node:test";
import { computeKstatus } from "./compute.ts";

const sts = (spec: object, status: object) => ({
  apiVersion: "apps/v1",
  kind: "StatefulSet",
  metadata: { name: "s" },
  spec,
  status,
});
const dep = (spec: object, status: object) => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "d" },
  spec,
  status,
});
const ds = (status: object) => ({
  apiVersion: "apps/v1",
  kind: "DaemonSet",
  metadata: { name: "d", generation: 1 },
  status: { observedGeneration: 1, ...status },
});

const cases = [
  {
    name: "StatefulSet OnDelete",
    obj: sts({ updateStrategy: { type: "OnDelete" } }, {}),
    want: ["Current", "StatefulSet is using the ondelete update strategy"],
  },
  {
    name: "StatefulSet partition rollout in progress",
    obj: sts(
      { replicas: 3, updateStrategy: { rollingUpdate: { partition: 1 } } },
      { replicas: 3, readyReplicas: 3, updatedReplicas: 1 },
    ),
    want: ["InProgress", "updated: 1/2"],
  },
  {
    name: "StatefulSet partition rollout complete",
    obj: sts(
      { replicas: 3, updateStrategy: { rollingUpdate: { partition: 1 } } },
      { replicas: 3, readyReplicas: 3, updatedReplicas: 2 },
    ),
    want: ["Current", "Partition rollout complete. updated: 2"],
  },
  {
    name: "StatefulSet revision mismatch",
    obj: sts(
      { replicas: 1 },
      { replicas: 1, readyReplicas: 1, currentReplicas: 1, currentRevision: "a", updateRevision: "b" },
    ),
    want: ["InProgress", "Waiting for updated revision to match current"],
  },
  {
    name: "Deployment fewer updated",
    obj: dep({ replicas: 2 }, { replicas: 2, updatedReplicas: 1 }),
    want: ["InProgress", "Updated: 1/2"],
  },
  {
    name: "Deployment extra pods",
    obj: dep({ replicas: 1 }, { replicas: 2, updatedReplicas: 1 }),
    want: ["InProgress", "Pending termination: 1"],
  },
  {
    name: "Deployment fewer available",
    obj: dep({ replicas: 1 }, { replicas: 1, updatedReplicas: 1 }),
    want: ["InProgress", "Available: 0/1"],
  },
  {
    name: "Deployment with a float replica count uses the default",
    obj: dep({ replicas: 1.5 }, { replicas: 0 }),
    want: ["InProgress", "Replicas: 0/1"],
  },
  {
    name: "DaemonSet fewer scheduled",
    obj: ds({ desiredNumberScheduled: 2, currentNumberScheduled: 1 }),
    want: ["InProgress", "Current: 1/2"],
  },
  {
    name: "DaemonSet fewer updated",
    obj: ds({ desiredNumberScheduled: 2, currentNumberScheduled: 2, updatedNumberScheduled: 1 }),
    want: ["InProgress", "Updated: 1/2"],
  },
  {
    name: "DaemonSet all scheduled",
    obj: ds({
      desiredNumberScheduled: 2,
      currentNumberScheduled: 2,
      updatedNumberScheduled: 2,
      numberAvailable: 2,
      numberReady: 2,
    }),
    want: ["Current", "All replicas scheduled as expected. Replicas: 2"],
  },
  {
    name: "Terminating wins",
    obj: {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c", deletionTimestamp: "2026-01-01T00:00:00Z" },
    },
    want: ["Terminating", "Resource scheduled for deletion"],
  },
  {
    name: "Stalled condition fails any kind",
    obj: {
      apiVersion: "x/v1",
      kind: "X",
      metadata: { name: "x" },
      status: { conditions: [{ type: "Stalled", status: "True", reason: "R", message: "broken" }] },
    },
    want: ["Failed", "broken"],
  },
];
for (const c of cases) {
  test(`computeKstatus: ${c.name}`, () => {
    const got = computeKstatus(c.obj, Date.now());
    assert.deepEqual([got.status, got.message], c.want);
  });
}
