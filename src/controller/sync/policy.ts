// SPDX-License-Identifier: Apache-2.0
import {
  parsePublicKeys,
  parseTrustedRoot,
  type TrustedRoot,
  type VerifyPolicy,
} from "../../verify/index.ts";
import type { DataObject, FluxBundle, OCIRepository } from "../api/index.ts";
import { SyncError } from "./errors.ts";

/** Finds a Secret of the bundle in the object's namespace, or fails naming both. */
export function secretFor(bundle: FluxBundle, namespace: string, name: string, purpose: string): DataObject {
  const s = bundle.secrets.get(`${namespace}/${name}`);
  if (s === undefined) {
    throw new SyncError({
      code: "SECRET_NOT_FOUND",
      message: `Secret ${namespace}/${name} (${purpose}) is not among the given manifests`,
    });
  }
  return s;
}

/**
 * The verification policy of an OCIRepository's `spec.verify`, as Flux reads it: `secretRef` → every `*.pub`
 * entry is a public key (any one suffices); otherwise keyless against `trustedRootSecretRef`'s
 * `trusted_root.json` or the shipped public-good root, with `matchOIDCIdentity` entries OR-ed.
 */
export async function verifyPolicyOf(
  repo: OCIRepository,
  bundle: FluxBundle,
  shippedRoot: () => Promise<TrustedRoot>,
): Promise<VerifyPolicy | undefined> {
  const v = repo.spec.verify;
  if (v === undefined) return undefined;
  const ns = repo.metadata.namespace;
  const where = `OCIRepository ${ns}/${repo.metadata.name}`;
  if (v.provider !== "cosign") {
    throw new SyncError({
      code: "UNSUPPORTED_SOURCE",
      message: `${where}: verify.provider ${v.provider} is not supported (only cosign)`,
    });
  }
  if (v.secretRef !== undefined) {
    const secret = secretFor(bundle, ns, v.secretRef.name, `${where} spec.verify.secretRef`);
    const pubs = Object.entries(secret.data).filter(([k]) => k.endsWith(".pub"));
    if (pubs.length === 0) {
      throw new SyncError({
        code: "SECRET_NOT_FOUND",
        message: `${where}: Secret ${ns}/${v.secretRef.name} has no *.pub key`,
      });
    }
    return {
      kind: "keys",
      keys: pubs.flatMap(([k, pem]) => parsePublicKeys(pem, `Secret ${ns}/${v.secretRef?.name ?? ""} ${k}`)),
    };
  }
  let trust: TrustedRoot;
  if (v.trustedRootSecretRef !== undefined) {
    const secret = secretFor(
      bundle,
      ns,
      v.trustedRootSecretRef.name,
      `${where} spec.verify.trustedRootSecretRef`,
    );
    const text = secret.data["trusted_root.json"];
    if (text === undefined) {
      throw new SyncError({
        code: "SECRET_NOT_FOUND",
        message: `${where}: Secret ${ns}/${v.trustedRootSecretRef.name} has no trusted_root.json`,
      });
    }
    trust = parseTrustedRoot(text, `Secret ${ns}/${v.trustedRootSecretRef.name}`);
  } else {
    trust = await shippedRoot();
  }
  return { kind: "keyless", trust, identities: v.matchOIDCIdentity ?? [] };
}
