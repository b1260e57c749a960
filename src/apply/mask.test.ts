// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { test } from "node:test";
import { maskSecrets } from "./mask.ts";

const secret = (data: Record<string, string>) => ({
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name: "s" },
  data,
});

const cases = [
  {
    name: "equal values are ***, changed ones before/after, new ones after",
    input: {
      before: secret({ same: "YQ==", changed: "Yg==" }),
      after: secret({ same: "YQ==", changed: "Yw==", added: "ZA==" }),
    },
    want: {
      before: secret({ same: "***", changed: "*** (before)" }),
      after: secret({ same: "***", changed: "*** (after)", added: "*** (after)" }),
    },
  },
  {
    name: "a new Secret is masked",
    input: { before: undefined, after: secret({ k: "djE=" }) },
    want: { before: undefined, after: secret({ k: "*** (after)" }) },
  },
  {
    name: "other kinds are left alone",
    input: { before: { kind: "ConfigMap", apiVersion: "v1", data: { k: "v" } }, after: undefined },
    want: { before: { kind: "ConfigMap", apiVersion: "v1", data: { k: "v" } }, after: undefined },
  },
];
for (const c of cases) {
  test(`maskSecrets: ${c.name}`, () => {
    const original = structuredClone(c.input);
    assert.deepEqual(maskSecrets(c.input.before, c.input.after), c.want);
    assert.deepEqual(c.input, original, "the inputs are not changed");
  });
}
