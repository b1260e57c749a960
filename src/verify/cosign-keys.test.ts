// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { test } from "node:test";
import {
  encryptCosignKey,
  generateCosignKeyPair,
  isEncryptedCosignKey,
  readPrivateKey,
} from "./cosign-keys.ts";
import { VerifyError } from "./errors.ts";

test("generated cosign keys decrypt with their password and are P-256", async () => {
  const pair = await generateCosignKeyPair("s3cret");
  assert.match(pair.privateKeyPem, /^-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n/);
  assert.match(pair.publicKeyPem, /^-----BEGIN PUBLIC KEY-----\n/);
  assert.equal(isEncryptedCosignKey(pair.privateKeyPem), true);
  const key = await readPrivateKey(pair.privateKeyPem, "s3cret", "cosign.key");
  assert.equal(key.asymmetricKeyDetails?.namedCurve, "prime256v1");
});

test("the wrong password is WRONG_PASSWORD", async () => {
  const pair = await generateCosignKeyPair("right");
  await assert.rejects(
    readPrivateKey(pair.privateKeyPem, "wrong", "cosign.key"),
    (e: unknown) => e instanceof VerifyError && e.code === "WRONG_PASSWORD",
  );
});

test("the older ENCRYPTED COSIGN PRIVATE KEY label and plain PEM keys are read", async () => {
  const ed = generateKeyPairSync("ed25519").privateKey;
  const sealed = (await encryptCosignKey(ed, "")).replace(/SIGSTORE/g, "COSIGN");
  assert.equal((await readPrivateKey(sealed, "", "old.key")).asymmetricKeyType, "ed25519");
  const pem = ed.export({ format: "pem", type: "pkcs8" }).toString();
  assert.equal(isEncryptedCosignKey(pem), false);
  assert.equal((await readPrivateKey(pem, undefined, "plain.key")).asymmetricKeyType, "ed25519");
  await assert.rejects(
    readPrivateKey("nope", undefined, "x.key"),
    (e: unknown) => e instanceof VerifyError && e.code === "INVALID_KEY",
  );
});
