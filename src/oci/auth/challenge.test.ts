// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseChallenges, pickChallenge } from "./challenge.ts";

const cases = [
  {
    name: "basic",
    input: 'Basic realm="test-realm"',
    want: [{ scheme: "basic", params: { realm: "test-realm" } }],
  },
  {
    name: "bearer with several scopes in one quoted value",
    input:
      'Bearer realm="https://auth.example/token",service="reg",scope="repository:a:pull repository:b:pull,push"',
    want: [
      {
        scheme: "bearer",
        params: {
          realm: "https://auth.example/token",
          service: "reg",
          scope: "repository:a:pull repository:b:pull,push",
        },
      },
    ],
  },
  {
    name: "two challenges, unquoted value and escaped quote",
    input: 'Basic realm=simple, Bearer realm="r", error="insufficient_scope", x="a\\"b"',
    want: [
      { scheme: "basic", params: { realm: "simple" } },
      { scheme: "bearer", params: { realm: "r", error: "insufficient_scope", x: 'a"b' } },
    ],
  },
  { name: "empty", input: "", want: [] },
];

for (const c of cases) {
  test(`parseChallenges: ${c.name}`, () => {
    assert.deepEqual(parseChallenges(c.input), c.want);
  });
}

test("pickChallenge prefers Bearer", () => {
  assert.equal(pickChallenge(parseChallenges('Basic realm="a", Bearer realm="b"'))?.scheme, "bearer");
  assert.equal(pickChallenge(parseChallenges('Basic realm="a"'))?.scheme, "basic");
  assert.equal(pickChallenge([]), undefined);
});
