// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { test } from "node:test";
import type { ObjectPlan } from "./apply-object.ts";
import { diffDeletion, diffObject, diffView } from "./render-diff.ts";

const ref = { group: "", version: "v1", kind: "Secret", namespace: "apps", name: "s" };
const secret = (v: string, rv: string) => ({
  apiVersion: "v1",
  kind: "Secret",
  metadata: {
    name: "s",
    namespace: "apps",
    resourceVersion: rv,
    uid: "u",
    managedFields: [{ manager: "m" }],
  },
  data: { k: v },
  status: { ignored: true },
});
const plan = (
  action: ObjectPlan["action"],
  live: ObjectPlan["live"],
  merged: ObjectPlan["merged"],
): ObjectPlan => ({
  ref,
  mapping: { ...ref, resource: "secrets", namespaced: true },
  desired: merged ?? {},
  live,
  merged,
  action,
  takeOver: [],
});

const cases = [
  {
    name: "configured Secret: noise dropped, values masked",
    input: plan("configured", secret("YQ==", "1"), secret("Yg==", "1")),
    want: [
      "--- Secret/apps/s (live)",
      "+++ Secret/apps/s (merged)",
      "@@ -1,6 +1,6 @@",
      " apiVersion: v1",
      " data:",
      '-  k: "*** (before)"',
      '+  k: "*** (after)"',
      " kind: Secret",
      " metadata:",
      "   name: s",
      "",
    ].join("\n"),
  },
  {
    name: "unchanged: no diff",
    input: plan("unchanged", secret("YQ==", "1"), secret("YQ==", "2")),
    want: "",
  },
  { name: "skipped: no diff", input: plan("skipped", secret("YQ==", "1"), undefined), want: "" },
];
for (const c of cases) {
  test(`diffObject: ${c.name}`, () => {
    assert.equal(diffObject(c.input).diff, c.want);
  });
}

test("diffDeletion shows the live object removed, masked", () => {
  const d = diffDeletion("Secret/apps/s", secret("YQ==", "1"));
  assert.equal(d.action, "deleted");
  assert.equal(
    d.diff.split("\n").slice(0, 6).join("\n"),
    '--- Secret/apps/s (live)\n+++ Secret/apps/s (merged)\n@@ -1,7 +0,0 @@\n-apiVersion: v1\n-data:\n-  k: "*** (before)"',
  );
});

test("diffView of nothing is empty", () => {
  assert.equal(diffView(undefined), "");
});
