// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { test } from "node:test";
import { labelSelectorString } from "./selector.ts";

const cases = [
  { name: "matchLabels", input: { matchLabels: { app: "web", tier: "fe" } }, want: "app=web,tier=fe" },
  {
    name: "expressions",
    input: {
      matchExpressions: [
        { key: "a", operator: "In", values: ["1", "2"] },
        { key: "b", operator: "NotIn", values: ["3"] },
        { key: "c", operator: "Exists" },
        { key: "d", operator: "DoesNotExist" },
      ],
    },
    want: "a in (1,2),b notin (3),c,!d",
  },
  { name: "missing", input: undefined, want: undefined },
  { name: "empty", input: {}, want: undefined },
  { name: "unknown operator", input: { matchExpressions: [{ key: "a", operator: "Gt" }] }, want: undefined },
];
for (const c of cases) {
  test(`labelSelectorString: ${c.name}`, () => {
    assert.equal(labelSelectorString(c.input), c.want);
  });
}
