// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { test } from "node:test";
import { defaultTakeOverManagers, mergeFieldsV1, takeOverPatch } from "./managed-fields.ts";

const own = {
  manager: "ocisync",
  operation: "Apply",
  apiVersion: "v1",
  fieldsV1: { "f:data": { "f:a": {} } },
};
const edit = {
  manager: "kubectl-edit",
  operation: "Update",
  apiVersion: "v1",
  fieldsV1: { "f:data": { "f:b": {} } },
};
const other = {
  manager: "kube-controller-manager",
  operation: "Update",
  apiVersion: "v1",
  fieldsV1: { "f:x": {} },
};
const managers = defaultTakeOverManagers("ocisync");

const cases = [
  { name: "nothing to take over", live: { metadata: { managedFields: [own, other] } }, want: [] },
  {
    name: "kubectl-edit's fields merge into the apply entry",
    live: { metadata: { managedFields: [own, edit, other] } },
    want: [
      {
        op: "replace",
        path: "/metadata/managedFields",
        value: [other, { ...own, fieldsV1: { "f:data": { "f:a": {}, "f:b": {} } } }],
      },
    ],
  },
  {
    name: "without an apply entry the first match is renamed",
    live: { metadata: { managedFields: [edit] } },
    want: [
      {
        op: "replace",
        path: "/metadata/managedFields",
        value: [{ ...edit, manager: "ocisync", operation: "Apply" }],
      },
    ],
  },
  {
    name: "kubectl's last-applied annotation is removed",
    live: {
      metadata: {
        annotations: { "kubectl.kubernetes.io/last-applied-configuration": "{}" },
        managedFields: [own],
      },
    },
    want: [{ op: "remove", path: "/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration" }],
  },
];
for (const c of cases) {
  test(`takeOverPatch: ${c.name}`, () => {
    assert.deepEqual(takeOverPatch(c.live, "ocisync", managers), c.want);
  });
}

test("mergeFieldsV1 is a union of field sets", () => {
  assert.deepEqual(mergeFieldsV1({ "f:a": { "f:b": {} } }, { "f:a": { "f:c": {} }, "f:d": {} }), {
    "f:a": { "f:b": {}, "f:c": {} },
    "f:d": {},
  });
});
