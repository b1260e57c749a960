// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { test } from "node:test";
import { normalizeObject, withMetadata } from "./normalize.ts";

const cases = [
  {
    name: "Secret stringData is folded into data, base64",
    input: {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "s" },
      data: { a: "YQ==" },
      stringData: { b: "bee" },
    },
    want: { apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, data: { a: "YQ==", b: "YmVl" } },
  },
  {
    name: "Service ports get protocol TCP",
    input: {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "s" },
      spec: { ports: [{ port: 80 }, { port: 53, protocol: "UDP" }] },
    },
    want: {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "s" },
      spec: {
        ports: [
          { port: 80, protocol: "TCP" },
          { port: 53, protocol: "UDP" },
        ],
      },
    },
  },
  {
    name: "Deployment container ports get protocol TCP; status and null creationTimestamp go",
    input: {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "d", creationTimestamp: null },
      spec: { template: { spec: { containers: [{ name: "c", ports: [{ containerPort: 8080 }] }] } } },
      status: { replicas: 1 },
    },
    want: {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "d" },
      spec: {
        template: {
          spec: { containers: [{ name: "c", ports: [{ containerPort: 8080, protocol: "TCP" }] }] },
        },
      },
    },
  },
  {
    name: "CronJob pod spec is found under jobTemplate",
    input: {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name: "c" },
      spec: {
        jobTemplate: {
          spec: { template: { spec: { containers: [{ name: "c", ports: [{ containerPort: 1 }] }] } } },
        },
      },
    },
    want: {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name: "c" },
      spec: {
        jobTemplate: {
          spec: {
            template: {
              spec: { containers: [{ name: "c", ports: [{ containerPort: 1, protocol: "TCP" }] }] },
            },
          },
        },
      },
    },
  },
  {
    name: "a CRD keeps its status",
    input: {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "x" },
      status: { a: 1 },
    },
    want: {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "x" },
      status: { a: 1 },
    },
  },
];

for (const c of cases) {
  test(`normalizeObject: ${c.name}`, () => {
    const before = structuredClone(c.input);
    assert.deepEqual(normalizeObject(c.input), c.want);
    assert.deepEqual(c.input, before, "the input is not changed");
  });
}

test("withMetadata merges labels over existing ones", () => {
  const got = withMetadata(
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", labels: { a: "1", b: "2" } } },
    { b: "x", c: "3" },
  );
  assert.deepEqual(got["metadata"], { name: "c", labels: { a: "1", b: "x", c: "3" } });
});
