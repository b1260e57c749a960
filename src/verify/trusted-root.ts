// SPDX-License-Identifier: Apache-2.0
import { createHash, type KeyObject } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { X509Certificate } from "@sigstore/core";
import { TrustedRoot as TrustedRootProto } from "@sigstore/protobuf-specs";
import { toTrustMaterial, type TrustMaterial } from "@sigstore/verify";
import { VerifyError } from "./errors.ts";
import PUBLIC_GOOD from "./trusted-root.public-good.json" with { type: "json" };

/**
 * Sigstore trust material: Fulcio CAs, Rekor and CT log keys, timestamp authorities
 * (https://github.com/sigstore/protobuf-specs/blob/main/protos/sigstore_trustroot.proto). Passed in, never fetched
 * while verifying (DESIGN.md §4).
 */
export interface TrustedRoot {
  /** Where it came from (`public-good (shipped snapshot)`, a file name), for messages. */
  readonly source: string;
  readonly material: TrustMaterial;
}

/** Media types of `trusted_root.json` ocisync reads (0.1 and 0.2). */
const MEDIA_TYPE = /^application\/vnd\.dev\.sigstore\.trustedroot(\.v0\.2)?\+json(;version=0\.[12])?$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Rejects key and CA entries without `validFor.start`: the spec makes it required, and treating a missing bound
 * as "since forever" would let a rotated-out key verify (sigstore-conformance `trust-root-tlog-missing-validity-start_fail`;
 * `@sigstore/verify` accepts it, so ocisync checks first).
 */
function assertValidityStarts(root: Record<string, unknown>, source: string): void {
  for (const field of ["tlogs", "ctlogs"]) {
    const list = root[field];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw invalid(source, `${field} is not a list`);
    list.forEach((entry: unknown, i) => {
      const pk = isRecord(entry) ? entry.publicKey : undefined;
      const start = isRecord(pk) && isRecord(pk.validFor) ? pk.validFor.start : undefined;
      if (typeof start !== "string")
        throw invalid(source, `${field}[${String(i)}].publicKey.validFor.start is missing`);
    });
  }
  for (const field of ["certificateAuthorities", "timestampAuthorities"]) {
    const list = root[field];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw invalid(source, `${field} is not a list`);
    list.forEach((entry: unknown, i) => {
      const start = isRecord(entry) && isRecord(entry.validFor) ? entry.validFor.start : undefined;
      if (typeof start !== "string")
        throw invalid(source, `${field}[${String(i)}].validFor.start is missing`);
    });
  }
}

function invalid(source: string, why: string, cause?: unknown): VerifyError {
  return new VerifyError({ code: "INVALID_TRUSTED_ROOT", message: `trusted root ${source}: ${why}`, cause });
}

/** Parses a `trusted_root.json` document (as `cosign trusted-root create` or TUF deliver it). */
export function parseTrustedRoot(text: string, source: string): TrustedRoot {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw invalid(source, "not JSON", err);
  }
  return trustedRootOf(json, source);
}

/** A trusted root from an already parsed document. */
export function trustedRootOf(json: unknown, source: string): TrustedRoot {
  if (!isRecord(json)) throw invalid(source, "not a JSON object");
  if (typeof json.mediaType !== "string" || !MEDIA_TYPE.test(json.mediaType)) {
    throw invalid(source, `unsupported mediaType ${JSON.stringify(json.mediaType)}`);
  }
  assertValidityStarts(json, source);
  try {
    return { source, material: toTrustMaterial(TrustedRootProto.fromJSON(json)) };
  } catch (err) {
    throw invalid(source, err instanceof Error ? err.message : "unreadable", err);
  }
}

/**
 * The public-good Sigstore trusted root shipped with ocisync (refresh with `ocisync trusted-root update`): the
 * snapshot `@sigstore/tuf` seeds carry. Imported (not read by path) so that the compiled package ships it too.
 */
export const PUBLIC_GOOD_TRUSTED_ROOT_URL = new URL("./trusted-root.public-good.json", import.meta.url);

/** Reads a trusted root file; without a path, the shipped public-good snapshot. */
export async function loadTrustedRoot(path?: string): Promise<TrustedRoot> {
  if (path === undefined) return trustedRootOf(PUBLIC_GOOD, "public-good (shipped snapshot)");
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw invalid(path, "cannot be read", err);
  }
  return parseTrustedRoot(text, path);
}

/**
 * Trust material with extra CA chains: `chain` (untrusted intermediates from a legacy `dev.sigstore.cosign/chain`
 * annotation, ending in a root) is added as a CA only when its last certificate is already a trusted anchor, so it
 * can supply intermediates but never a new root (cosign `TrustedCert` with an intermediate pool).
 */
export function withUntrustedIntermediates(
  material: TrustMaterial,
  chain: readonly X509Certificate[],
): TrustMaterial {
  const anchor = chain[chain.length - 1];
  if (chain.length < 2 || anchor === undefined) return material;
  const extra = material.certificateAuthorities
    .filter((ca) => ca.certChain[ca.certChain.length - 1]?.equals(anchor) === true)
    .map((ca) => ({ certChain: [...chain], validFor: ca.validFor }));
  return extra.length === 0
    ? material
    : { ...material, certificateAuthorities: [...material.certificateAuthorities, ...extra] };
}

/** Pieces of a private trust configuration (cosign `--certificate-chain`, `--rekor-public-key`, PKI without Fulcio). */
export interface TrustPieces {
  /** Each entry one CA: its certificates (intermediates then root); every certificate in it is trusted. */
  readonly certificateAuthorities?: readonly (readonly X509Certificate[])[];
  /** Rekor public keys (log id = SHA-256 of the SPKI). */
  readonly tlogKeys?: readonly KeyObject[];
  /** CT log public keys. */
  readonly ctlogKeys?: readonly KeyObject[];
  /** Timestamp authorities: each a chain (leaf signer first). */
  readonly timestampAuthorities?: readonly (readonly X509Certificate[])[];
}

const ALWAYS = { start: new Date(0), end: new Date(8640000000000000) };

function logAuthority(key: KeyObject): TrustMaterial["tlogs"][number] {
  const der = key.export({ format: "der", type: "spki" });
  return { logID: createHash("sha256").update(der).digest(), baseURL: "", publicKey: key, validFor: ALWAYS };
}

/** A trusted root assembled from pieces rather than a `trusted_root.json` (no validity windows: always valid). */
export function trustedRootFromPieces(p: TrustPieces, source: string): TrustedRoot {
  return {
    source,
    material: {
      certificateAuthorities: (p.certificateAuthorities ?? []).map((c) => ({
        certChain: [...c],
        validFor: ALWAYS,
      })),
      timestampAuthorities: (p.timestampAuthorities ?? []).map((c) => ({
        certChain: [...c],
        validFor: ALWAYS,
      })),
      tlogs: (p.tlogKeys ?? []).map(logAuthority),
      ctlogs: (p.ctlogKeys ?? []).map(logAuthority),
      publicKey: () => {
        throw new VerifyError({ code: "INVALID_KEY", message: "no public keys in this trusted root" });
      },
    },
  };
}
