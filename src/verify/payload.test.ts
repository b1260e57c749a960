// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { test } from "node:test";
import { sha256Of } from "../core/index.ts";
import { VerifyError } from "./errors.ts";
import { checkSimpleSigningClaims, checkStatementClaims, IN_TOTO_PAYLOAD_TYPE } from "./payload.ts";
import { cosignStatement, simpleSigningPayload } from "./sign.ts";

const subject = sha256Of("artifact");
const other = sha256Of("other");
const code = (f: () => unknown): string => {
  try {
    f();
    return "ok";
  } catch (err) {
    if (err instanceof VerifyError) return err.code;
    throw err;
  }
};
const enc = (v: unknown) => Buffer.from(JSON.stringify(v));

const simple = [
  { name: "cosign's own payload", payload: simpleSigningPayload("reg/app", subject), want: "ok" },
  {
    name: "another digest (a copied .sig)",
    payload: simpleSigningPayload("reg/app", other),
    want: "PAYLOAD_DIGEST_MISMATCH",
  },
  { name: "not JSON", payload: Buffer.from("&"), want: "INVALID_PAYLOAD" },
  { name: "empty object", payload: enc({}), want: "INVALID_PAYLOAD" },
  {
    name: "wrong type",
    payload: enc({
      critical: { type: "atomic container signature", image: { "docker-manifest-digest": subject } },
    }),
    want: "INVALID_PAYLOAD",
  },
  {
    name: "no digest",
    payload: enc({ critical: { type: "cosign container image signature", image: {} } }),
    want: "INVALID_PAYLOAD",
  },
];
for (const c of simple) {
  test(`simple signing: ${c.name}`, () => {
    assert.equal(
      code(() => checkSimpleSigningClaims(c.payload, subject)),
      c.want,
    );
  });
}

test("simple-signing payload bytes are cosign's (Go json.Marshal field order)", () => {
  assert.equal(
    simpleSigningPayload("reg/app", subject).toString(),
    `{"critical":{"identity":{"docker-reference":"reg/app"},"image":{"docker-manifest-digest":"${subject}"},"type":"cosign container image signature"},"optional":null}`,
  );
});

const statement = (over: Record<string, unknown>) =>
  enc({
    _type: "https://in-toto.io/Statement/v1",
    subject: [{ digest: { sha256: subject.slice(7) } }],
    predicateType: "https://sigstore.dev/cosign/sign/v1",
    predicate: {},
    ...over,
  });
const intoto = [
  {
    name: "cosign v3 statement",
    type: IN_TOTO_PAYLOAD_TYPE,
    payload: cosignStatement(subject),
    predicates: undefined,
    want: "ok",
  },
  {
    name: "another subject",
    type: IN_TOTO_PAYLOAD_TYPE,
    payload: cosignStatement(other),
    predicates: undefined,
    want: "PAYLOAD_DIGEST_MISMATCH",
  },
  {
    name: "an attestation under signature rules",
    type: IN_TOTO_PAYLOAD_TYPE,
    payload: statement({ predicateType: "https://slsa.dev/provenance/v1" }),
    predicates: undefined,
    want: "INVALID_PAYLOAD",
  },
  {
    name: "an attestation when any predicate is allowed",
    type: IN_TOTO_PAYLOAD_TYPE,
    payload: statement({ predicateType: "https://slsa.dev/provenance/v1" }),
    predicates: ["*"],
    want: "ok",
  },
  {
    name: "wrong payload type",
    type: "application/json",
    payload: cosignStatement(subject),
    predicates: undefined,
    want: "INVALID_PAYLOAD",
  },
  {
    name: "not a statement",
    type: IN_TOTO_PAYLOAD_TYPE,
    payload: enc({ hello: 1 }),
    predicates: undefined,
    want: "INVALID_PAYLOAD",
  },
];
for (const c of intoto) {
  test(`in-toto: ${c.name}`, () => {
    assert.equal(
      code(() => checkStatementClaims(c.type, c.payload, subject, c.predicates)),
      c.want,
    );
  });
}
