// SPDX-License-Identifier: Apache-2.0
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  scrypt,
  type KeyObject,
} from "node:crypto";
import { xsalsa20poly1305 } from "@noble/ciphers/salsa.js";
import { VerifyError } from "./errors.ts";

/**
 * cosign's encrypted private key format (`sigstore/cosign:pkg/cosign/keys.go`, go-securesystemslib `encrypted`):
 * PEM `ENCRYPTED SIGSTORE PRIVATE KEY` (older `ENCRYPTED COSIGN PRIVATE KEY`) around JSON with scrypt parameters and a
 * NaCl secretbox (XSalsa20-Poly1305) sealing the PKCS#8 DER key. Written by hand: no npm library reads it.
 */
export const COSIGN_KEY_PEM_TYPE = "ENCRYPTED SIGSTORE PRIVATE KEY";
const LEGACY_PEM_TYPES = new Set([COSIGN_KEY_PEM_TYPE, "ENCRYPTED COSIGN PRIVATE KEY"]);

/** scrypt cost cosign uses (N=2^15, r=8, p=1). */
const SCRYPT = { N: 32768, r: 8, p: 1 } as const;

interface EncryptedKeyJson {
  readonly kdf: {
    readonly name: string;
    readonly params: { readonly N: number; readonly r: number; readonly p: number };
    readonly salt: string;
  };
  readonly cipher: { readonly name: string; readonly nonce: string };
  readonly ciphertext: string;
}

function deriveKey(
  password: string,
  salt: Buffer,
  params: { N: number; r: number; p: number },
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      Buffer.from(password, "utf8"),
      salt,
      32,
      { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 1024 * 1024 },
      (err, key) => {
        if (err) reject(err);
        else resolve(key);
      },
    );
  });
}

function pem(type: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString("base64").replace(/.{64}/g, "$&\n").replace(/\n$/, "");
  return `-----BEGIN ${type}-----\n${b64}\n-----END ${type}-----\n`;
}

function pemBody(text: string): { type: string; der: Buffer } | undefined {
  const m = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]+?)-----END \1-----/.exec(text);
  return m === null
    ? undefined
    : { type: m[1] ?? "", der: Buffer.from((m[2] ?? "").replace(/\s/g, ""), "base64") };
}

/** Seals a private key the way `cosign generate-key-pair` does. */
export async function encryptCosignKey(key: KeyObject, password: string): Promise<string> {
  const salt = randomBytes(32);
  const nonce = randomBytes(24);
  const derived = await deriveKey(password, salt, SCRYPT);
  const der = key.export({ format: "der", type: "pkcs8" });
  const ciphertext = xsalsa20poly1305(derived, nonce).encrypt(der);
  const json: EncryptedKeyJson = {
    kdf: { name: "scrypt", params: SCRYPT, salt: salt.toString("base64") },
    cipher: { name: "nacl/secretbox", nonce: nonce.toString("base64") },
    ciphertext: Buffer.from(ciphertext).toString("base64"),
  };
  return pem(COSIGN_KEY_PEM_TYPE, Buffer.from(JSON.stringify(json)));
}

/** True when `text` is a cosign encrypted key (it needs a password). */
export function isEncryptedCosignKey(text: string): boolean {
  const b = pemBody(text);
  return b !== undefined && LEGACY_PEM_TYPES.has(b.type);
}

/**
 * Reads a signing key: a cosign encrypted key (with `password`), or a plain PEM private key (PKCS#8 `PRIVATE KEY`,
 * `EC PRIVATE KEY`, `RSA PRIVATE KEY`).
 */
export async function readPrivateKey(
  text: string,
  password: string | undefined,
  name: string,
): Promise<KeyObject> {
  const b = pemBody(text);
  if (b === undefined)
    throw new VerifyError({ code: "INVALID_KEY", message: `${name}: no PEM private key found` });
  if (!LEGACY_PEM_TYPES.has(b.type)) {
    try {
      return createPrivateKey(text);
    } catch (err) {
      throw new VerifyError({ code: "INVALID_KEY", message: `${name}: not a PEM private key`, cause: err });
    }
  }
  let json: EncryptedKeyJson;
  try {
    json = JSON.parse(b.der.toString("utf8")) as EncryptedKeyJson;
  } catch (err) {
    throw new VerifyError({ code: "INVALID_KEY", message: `${name}: unreadable cosign key`, cause: err });
  }
  if (json.kdf.name !== "scrypt" || json.cipher.name !== "nacl/secretbox") {
    throw new VerifyError({
      code: "INVALID_KEY",
      message: `${name}: unsupported key encryption ${json.kdf.name}/${json.cipher.name}`,
    });
  }
  const derived = await deriveKey(password ?? "", Buffer.from(json.kdf.salt, "base64"), json.kdf.params);
  let der: Uint8Array;
  try {
    der = xsalsa20poly1305(derived, Buffer.from(json.cipher.nonce, "base64")).decrypt(
      Buffer.from(json.ciphertext, "base64"),
    );
  } catch (err) {
    throw new VerifyError({
      code: "WRONG_PASSWORD",
      message: `${name}: wrong password for the encrypted key`,
      cause: err,
    });
  }
  return createPrivateKey({ key: Buffer.from(der), format: "der", type: "pkcs8" });
}

/** A new key pair as `cosign generate-key-pair` writes it: ECDSA P-256, encrypted private key and SPKI public key. */
export async function generateCosignKeyPair(
  password: string,
): Promise<{ privateKeyPem: string; publicKeyPem: string }> {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  return {
    privateKeyPem: await encryptCosignKey(privateKey, password),
    publicKeyPem: publicKeyPem(privateKey),
  };
}

/** The SPKI PEM of a private key's public half. */
export function publicKeyPem(privateKey: KeyObject): string {
  return createPublicKey(privateKey).export({ format: "pem", type: "spki" }).toString();
}
