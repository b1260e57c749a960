// SPDX-License-Identifier: Apache-2.0
import { X509Certificate } from "@sigstore/core";
import { bundleToJSON } from "@sigstore/bundle";
import type * as SigstoreSign from "@sigstore/sign";
import type { IdentityProvider } from "@sigstore/sign";
import { VerifyError } from "./errors.ts";
import { IN_TOTO_PAYLOAD_TYPE } from "./payload.ts";
import type { ArtifactSigner } from "./sign.ts";

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

function identityProvider(sign: SignModule, opts: KeylessOptions): IdentityProvider {
  const token = opts.identityToken;
  if (token !== undefined) return { getToken: () => Promise.resolve(token) };
  return new sign.CIContextProvider("sigstore");
}

/** `@sigstore/sign` costs ≈400 ms to load (HTTP stack); only keyless signing needs it. */
let signModule: Promise<SignModule> | undefined;

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
 * A keyless signer: an ephemeral key certified by Fulcio for the OIDC identity, each signature logged in Rekor
 * (`@sigstore/sign`). Bundles are DSSE v0.3 with a `dsse` entry, as cosign v3 writes; legacy layers carry the
 * signature, the leaf certificate, the chain when known, and the Rekor SET in cosign's bundle annotation.
 */
export function keylessSigner(opts: KeylessOptions): ArtifactSigner {
  const rekorBaseURL = opts.rekorUrl ?? "https://rekor.sigstore.dev";
  const load = async () => {
    signModule ??= import("@sigstore/sign");
    const sign = await signModule;
    return {
      sign,
      signer: new sign.FulcioSigner({
        fulcioBaseURL: opts.fulcioUrl ?? sign.DEFAULT_FULCIO_URL,
        identityProvider: identityProvider(sign, opts),
      }),
    };
  };
  return {
    signStatement: (statement) =>
      wrap("keyless signing", async () => {
        const { sign, signer } = await load();
        const builder = new sign.DSSEBundleBuilder({
          signer,
          witnesses: [new sign.RekorWitness({ rekorBaseURL, entryType: "dsse" })],
        });
        const bundle = await builder.create({ data: Buffer.from(statement), type: IN_TOTO_PAYLOAD_TYPE });
        return bundleToJSON(bundle);
      }),
    signPayload: (payload) =>
      wrap("keyless signing", async () => {
        const { sign, signer } = await load();
        const builder = new sign.MessageSignatureBundleBuilder({
          signer,
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
        if (certDer === undefined || entry?.inclusionPromise === undefined)
          throw new Error("Fulcio/Rekor returned no certificate or log entry");
        X509Certificate.parse(Buffer.from(certDer));
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
          "dev.sigstore.cosign/certificate": pemOf(certDer),
          ...(opts.chainPem === undefined ? {} : { "dev.sigstore.cosign/chain": opts.chainPem }),
          "dev.sigstore.cosign/bundle": JSON.stringify(set),
        };
      }),
  };
}
