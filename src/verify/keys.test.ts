// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { test } from "node:test";
import { publicKeyPem } from "./cosign-keys.ts";
import { VerifyError } from "./errors.ts";
import { checkSignature, decodeStrictBase64, isDerEcdsaSignature, parsePublicKeys } from "./keys.ts";
import { signWithKey } from "./sign.ts";

const pairs: { name: string; want: string; make: () => KeyObject }[] = [
  {
    name: "ECDSA P-256",
    want: "ecdsa-p256",
    make: () => generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey,
  },
  {
    name: "ECDSA P-384",
    want: "ecdsa-p384",
    make: () => generateKeyPairSync("ec", { namedCurve: "secp384r1" }).privateKey,
  },
  {
    name: "RSA 2048",
    want: "rsa",
    make: () => generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey,
  },
  { name: "Ed25519", want: "ed25519", make: () => generateKeyPairSync("ed25519").privateKey },
];

for (const p of pairs) {
  test(`${p.name}: parse the PEM public key, verify, reject another payload and a truncated signature`, () => {
    const priv = p.make();
    const [pub] = parsePublicKeys(publicKeyPem(priv), "k.pub");
    assert.ok(pub);
    assert.equal(pub.algorithm, p.want);
    const data = Buffer.from("payload");
    const sig = signWithKey(priv, data);
    assert.equal(checkSignature(pub, data, sig), "ok");
    assert.equal(checkSignature(pub, Buffer.from("other"), sig), "invalid");
    assert.equal(checkSignature(pub, data, sig.subarray(0, sig.length - 1)), "malformed");
  });
}

test("several PEM blocks in one file are several keys", () => {
  const a = publicKeyPem(generateKeyPairSync("ed25519").privateKey);
  const b = publicKeyPem(generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey);
  assert.deepEqual(
    parsePublicKeys(a + b, "two.pub").map((k) => k.algorithm),
    ["ed25519", "ecdsa-p256"],
  );
});

const badKeys = [
  { name: "no PEM", input: "hello", want: "INVALID_KEY" },
  {
    name: "garbage PEM",
    input: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
    want: "INVALID_KEY",
  },
];
for (const c of badKeys) {
  test(`parsePublicKeys rejects ${c.name}`, () => {
    assert.throws(
      () => parsePublicKeys(c.input, "x.pub"),
      (e: unknown) => e instanceof VerifyError && e.code === c.want,
    );
  });
}

const b64 = [
  { name: "plain", input: "aGVsbG8=", want: "hello" },
  { name: "wrapped at 76 columns with a newline", input: "aGVs\nbG8=\n", want: "hello" },
  { name: "not base64", input: "&", want: undefined },
  { name: "extra padding", input: "aGVsbG8==", want: undefined },
  { name: "truncated", input: "aGVsbG8", want: undefined },
  { name: "empty", input: "", want: undefined },
];
for (const c of b64) {
  test(`strict base64: ${c.name}`, () => {
    assert.equal(decodeStrictBase64(c.input)?.toString("utf8"), c.want);
  });
}

test("DER ECDSA signatures: exactly one SEQUENCE of two INTEGERs", () => {
  assert.equal(isDerEcdsaSignature(Buffer.from("3006020101020101", "hex")), true);
  assert.equal(isDerEcdsaSignature(Buffer.from("300602010102010100", "hex")), false);
  assert.equal(isDerEcdsaSignature(Buffer.from("3006020101030101", "hex")), false);
});
