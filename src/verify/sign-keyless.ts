// SPDX-License-Identifier: Apache-2.0
import { createHash, createPublicKey, type KeyObject } from "node:crypto";
import { bundleToJSON } from "@sigstore/bundle";
import type * as SigstoreSign from "@sigstore/sign";
import type { IdentityProvider, Signer } from "@sigstore/sign";
import { publicKeyPem } from "./cosign-keys.ts";
import { VerifyError } from "./errors.ts";
import { IN_TOTO_PAYLOAD_TYPE } from "./payload.ts";
import { signWithKey, type ArtifactSigner } from "./sign.ts";

/** Where keyless signing goes; public-good Sigstore unless set. */
export interface KeylessOptions {
  readonly fulcioUrl?: string;
  readonly rekorUrl?: string;
  /** An OIDC token; else the ambient CI token (GitHub Actions `ACTIONS_ID_TOKEN_REQUEST_*`, `SIGSTORE_ID_TOKEN`). */
  readonly identityToken?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** PEM of the CA chain (intermediates + root) to put in the legacy `chain` annotation; Fulcio returns only the leaf. */
  readonly chainPem?: string;
}

type SignModule = typeof SigstoreSign;

const PUBLIC_GOOD_REKOR = "https://rekor.sigstore.dev";

/** `@sigstore/sign` costs ≈400 ms to load (HTTP stack); only signing through Fulcio or Rekor needs it. */
let signModule: Promise<SignModule> | undefined;
function loadSign(): Promise<SignModule> {
  signModule ??= import("@sigstore/sign");
  return signModule;
}

function identityProvider(sign: SignModule, opts: KeylessOptions): IdentityProvider {
  const token = opts.identityToken;
  if (token !== undefined) return { getToken: () => Promise.resolve(token) };
  return new sign.CIContextProvider("sigstore");
}

function pemOf(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString("base64").replace(/.{64}/g, "$&\n").replace(/\n$/, "");
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

async function wrap<T>(what: string, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    throw new VerifyError({
      code: "SIGNING_FAILED",
      message: `${what}: ${err instanceof Error ? err.message : String(err)}`,
      cause: err,
    });
  }
}

/**
 * A signer whose signatures are logged in Rekor (`@sigstore/sign` witnesses). Bundles are DSSE v0.3 with a `dsse`
 * entry, as cosign v3 writes; legacy layers carry the signature, the certificate (keyless) with the chain when
 * known, and the Rekor SET in cosign's `dev.sigstore.cosign/bundle` annotation.
 */
function witnessedSigner(
  what: string,
  makeSigner: (sign: SignModule) => Signer,
  rekorBaseURL: string,
  chainPem: string | undefined,
): ArtifactSigner {
  return {
    signStatement: (statement) =>
      wrap(what, async () => {
        const sign = await loadSign();
        const builder = new sign.DSSEBundleBuilder({
          signer: makeSigner(sign),
          witnesses: [new sign.RekorWitness({ rekorBaseURL, entryType: "dsse" })],
        });
        return bundleToJSON(
          await builder.create({ data: Buffer.from(statement), type: IN_TOTO_PAYLOAD_TYPE }),
        );
      }),
    signPayload: (payload) =>
      wrap(what, async () => {
        const sign = await loadSign();
        const builder = new sign.MessageSignatureBundleBuilder({
          signer: makeSigner(sign),
          witnesses: [new sign.RekorWitness({ rekorBaseURL })],
        });
        const bundle = await builder.create({ data: Buffer.from(payload) });
        const vm = bundle.verificationMaterial;
        const certDer =
          vm.content.$case === "x509CertificateChain"
            ? vm.content.x509CertificateChain.certificates[0]?.rawBytes
            : vm.content.$case === "certificate"
              ? vm.content.certificate.rawBytes
              : undefined;
        const entry = vm.tlogEntries[0];
        if (entry?.inclusionPromise === undefined)
          throw new Error("Rekor returned no log entry with a signed entry timestamp");
        const set = {
          SignedEntryTimestamp: Buffer.from(entry.inclusionPromise.signedEntryTimestamp).toString("base64"),
          Payload: {
            body: Buffer.from(entry.canonicalizedBody).toString("base64"),
            integratedTime: Number(entry.integratedTime),
            logIndex: Number(entry.logIndex),
            logID: Buffer.from(entry.logId.keyId).toString("hex"),
          },
        };
        return {
          "dev.cosignproject.cosign/signature": Buffer.from(
            bundle.content.messageSignature.signature,
          ).toString("base64"),
          ...(certDer === undefined ? {} : { "dev.sigstore.cosign/certificate": pemOf(certDer) }),
          ...(certDer === undefined || chainPem === undefined
            ? {}
            : { "dev.sigstore.cosign/chain": chainPem }),
          "dev.sigstore.cosign/bundle": JSON.stringify(set),
        };
      }),
  };
}

/**
 * A keyless signer: an ephemeral key certified by Fulcio for the OIDC identity, each signature logged in Rekor
 * (public-good Sigstore unless the URLs are given).
 */
export function keylessSigner(opts: KeylessOptions): ArtifactSigner {
  return witnessedSigner(
    "keyless signing",
    (sign) =>
      new sign.FulcioSigner({
        fulcioBaseURL: opts.fulcioUrl ?? sign.DEFAULT_FULCIO_URL,
        identityProvider: identityProvider(sign, opts),
      }),
    opts.rekorUrl ?? PUBLIC_GOOD_REKOR,
    opts.chainPem,
  );
}

/**
 * A local-key signer that also logs each signature in Rekor, as `cosign sign --key` does by default (the key is
 * named by hint = base64(sha256(SPKI)), like cosign v3).
 */
export function keyTlogSigner(
  privateKey: KeyObject,
  opts: { readonly rekorUrl?: string } = {},
): ArtifactSigner {
  const spki = createPublicKey(privateKey).export({ format: "der", type: "spki" });
  const hint = createHash("sha256").update(spki).digest("base64");
  // No hint here: @sigstore/sign would copy it into the DSSE signature's `keyid`, and sigstore-go (cosign) then
  // skips the signature unless its verifier has that key id. cosign leaves `keyid` empty and sets only the bundle hint.
  const key = { $case: "publicKey" as const, publicKey: publicKeyPem(privateKey) };
  const signer: Signer = {
    sign: (data) => Promise.resolve({ signature: signWithKey(privateKey, data), key }),
  };
  const inner = witnessedSigner(
    "signing with a transparency-log entry",
    () => signer,
    opts.rekorUrl ?? PUBLIC_GOOD_REKOR,
    undefined,
  );
  return {
    signPayload: (payload) => inner.signPayload(payload),
    signStatement: async (statement) => {
      const bundle = await inner.signStatement(statement);
      return {
        ...bundle,
        verificationMaterial: {
          ...(bundle.verificationMaterial as Record<string, unknown>),
          publicKey: { hint },
        },
      };
    },
  };
}
