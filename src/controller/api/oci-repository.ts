// SPDX-License-Identifier: Apache-2.0
import { compact, fieldValidators } from "../../core/index.ts";
import { SpecError } from "./errors.ts";
import { objectMeta, type ObjectMeta } from "./meta.ts";

/** `spec.ref` (https://fluxcd.io/flux/components/source/ocirepositories/#reference): digest > semver > tag > latest. */
export interface OCIRepositoryRef {
  readonly digest?: string;
  readonly semver?: string;
  readonly semverFilter?: string;
  readonly tag?: string;
}

/** One `verify.matchOIDCIdentity` entry; both are regular expressions matched unanchored. */
export interface OIDCIdentityMatch {
  readonly issuer: string;
  readonly subject: string;
}

/** `spec.verify`. */
export interface OCIRepositoryVerification {
  readonly provider: "cosign" | "notation";
  readonly secretRef?: { readonly name: string };
  readonly matchOIDCIdentity?: readonly OIDCIdentityMatch[];
  readonly trustedRootSecretRef?: { readonly name: string };
}

/** `spec` of `source.toolkit.fluxcd.io/v1` OCIRepository, the fields and defaults Flux defines. */
export interface OCIRepositorySpec {
  readonly url: string;
  readonly ref?: OCIRepositoryRef;
  readonly layerSelector?: { readonly mediaType?: string; readonly operation?: "extract" | "copy" };
  readonly provider?: "generic" | "aws" | "azure" | "gcp";
  readonly secretRef?: { readonly name: string };
  readonly serviceAccountName?: string;
  readonly certSecretRef?: { readonly name: string };
  readonly proxySecretRef?: { readonly name: string };
  readonly verify?: OCIRepositoryVerification;
  readonly interval: string;
  readonly timeout?: string;
  readonly ignore?: string;
  readonly insecure?: boolean;
  readonly suspend?: boolean;
}

/** A Flux OCIRepository (https://fluxcd.io/flux/components/source/ocirepositories/). */
export interface OCIRepository {
  readonly apiVersion: string;
  readonly kind: "OCIRepository";
  readonly metadata: ObjectMeta;
  readonly spec: OCIRepositorySpec;
}

/** API versions read: v1 (storage) and v1beta2 (still served by Flux, same fields for what ocisync uses). */
export const OCI_REPOSITORY_API_VERSIONS: readonly string[] = [
  "source.toolkit.fluxcd.io/v1",
  "source.toolkit.fluxcd.io/v1beta2",
];

/**
 * Validates an OCIRepository read from a manifest. `spec.url` must be `oci://…` naming a repository (a tag or
 * digest in the URL is `URL_INVALID`, as Flux's "URL must not contain a tag"); `spec.interval` is required.
 */
export function parseOCIRepository(obj: unknown, defaultNamespace: string): OCIRepository {
  const fail = (field: string, why: string): never => {
    throw new SpecError({ code: "INVALID_SPEC", message: `OCIRepository ${where}: ${field}: ${why}` });
  };
  let where = "?";
  const v = fieldValidators(fail);
  const o = v.record(obj, "object");
  const metadata = objectMeta(o.metadata, defaultNamespace, v);
  where = `${metadata.namespace}/${metadata.name}`;
  const apiVersion = v.reqString(o.apiVersion, "apiVersion");
  if (!OCI_REPOSITORY_API_VERSIONS.includes(apiVersion))
    fail("apiVersion", `${apiVersion} is not one of ${OCI_REPOSITORY_API_VERSIONS.join(", ")}`);
  const s = v.record(o.spec, "spec");
  const url = v.reqString(s.url, "spec.url", /^oci:\/\/.+$/, "must start with oci://");
  if (/@|:[^/]*$/.test(url.slice("oci://".length).replace(/^[^/]*/, ""))) {
    throw new SpecError({
      code: "URL_INVALID",
      message: `OCIRepository ${where}: spec.url ${url}: URL must not contain a tag or digest; use spec.ref`,
    });
  }
  const ref = s.ref === undefined || s.ref === null ? undefined : v.record(s.ref, "spec.ref");
  const layer =
    s.layerSelector === undefined || s.layerSelector === null
      ? undefined
      : v.record(s.layerSelector, "spec.layerSelector");
  const spec: OCIRepositorySpec = {
    url,
    interval: v.optDuration(s.interval, "spec.interval") ?? fail("spec.interval", "is required"),
    ...compact({
      ref:
        ref &&
        compact({
          digest: v.optString(
            ref.digest,
            "spec.ref.digest",
            /^sha256:[a-f0-9]{64}$/,
            "is not a sha256 digest",
          ),
          semver: v.optString(ref.semver, "spec.ref.semver"),
          semverFilter: v.optString(ref.semverFilter, "spec.ref.semverFilter"),
          tag: v.optString(ref.tag, "spec.ref.tag"),
        }),
      layerSelector:
        layer &&
        compact({
          mediaType: v.optString(layer.mediaType, "spec.layerSelector.mediaType"),
          operation: v.optEnum(layer.operation, "spec.layerSelector.operation", ["extract", "copy"] as const),
        }),
      provider: v.optEnum(s.provider, "spec.provider", ["generic", "aws", "azure", "gcp"] as const),
      secretRef: v.optName(s.secretRef, "spec.secretRef"),
      serviceAccountName: v.optString(s.serviceAccountName, "spec.serviceAccountName"),
      certSecretRef: v.optName(s.certSecretRef, "spec.certSecretRef"),
      proxySecretRef: v.optName(s.proxySecretRef, "spec.proxySecretRef"),
      verify: verification(s.verify, v),
      timeout: v.optDuration(s.timeout, "spec.timeout"),
      ignore: v.optString(s.ignore, "spec.ignore"),
      insecure: v.optBool(s.insecure, "spec.insecure"),
      suspend: v.optBool(s.suspend, "spec.suspend"),
    }),
  };
  return { apiVersion, kind: "OCIRepository", metadata, spec };
}

function verification(
  raw: unknown,
  v: ReturnType<typeof fieldValidators>,
): OCIRepositoryVerification | undefined {
  if (raw === undefined || raw === null) return undefined;
  const o = v.record(raw, "spec.verify");
  const match = v.optList(o.matchOIDCIdentity, "spec.verify.matchOIDCIdentity", (x, f) => {
    const m = v.record(x, f);
    return { issuer: v.reqString(m.issuer, `${f}.issuer`), subject: v.reqString(m.subject, `${f}.subject`) };
  });
  return {
    provider: v.optEnum(o.provider, "spec.verify.provider", ["cosign", "notation"] as const) ?? "cosign",
    ...compact({
      secretRef: v.optName(o.secretRef, "spec.verify.secretRef"),
      matchOIDCIdentity: match,
      trustedRootSecretRef: v.optName(o.trustedRootSecretRef, "spec.verify.trustedRootSecretRef"),
    }),
  };
}
