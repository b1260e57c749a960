// SPDX-License-Identifier: Apache-2.0
import type { X509Certificate } from "@sigstore/core";
import { VerifyError } from "./errors.ts";

/** One Flux `verify.matchOIDCIdentity` entry: regexes for the OIDC issuer and the certificate subject. */
export interface IdentityMatcher {
  readonly issuer: string;
  readonly subject: string;
}

/** The keyless identity read from a Fulcio certificate. */
export interface CertificateIdentity {
  /** OIDC issuer: extension `1.3.6.1.4.1.57264.1.8`, else the legacy `.1.1`. */
  readonly issuer?: string;
  /** Every SAN value: emails, URIs, DNS names, IPs, and the Fulcio OtherName username. */
  readonly subjects: readonly string[];
}

const OID_ISSUER_V2 = "1.3.6.1.4.1.57264.1.8";
const OID_ISSUER_V1 = "1.3.6.1.4.1.57264.1.1";
const OID_OTHERNAME_USERNAME = "1.3.6.1.4.1.57264.1.7";
const OID_SAN = "2.5.29.17";

function ipString(b: Buffer): string {
  if (b.length === 4) return [...b].join(".");
  const parts: string[] = [];
  for (let i = 0; i + 1 < b.length; i += 2) parts.push(b.readUInt16BE(i).toString(16));
  return parts.join(":");
}

/**
 * Issuer and SANs of a certificate, as cosign reads them (`pkg/cosign/verify.go` `CheckCertificatePolicy`,
 * `sigstore/sigstore:pkg/cryptoutils/sans.go`, Fulcio `docs/oid-info.md`).
 */
export function certificateIdentity(cert: X509Certificate): CertificateIdentity {
  let issuer: string | undefined;
  const v2 = cert.extension(OID_ISSUER_V2);
  if (v2 !== undefined) issuer = v2.valueObj.subs[0]?.value.toString("utf8");
  issuer ??= cert.extension(OID_ISSUER_V1)?.value.toString("utf8");
  const subjects: string[] = [];
  const names = cert.extension(OID_SAN)?.valueObj.subs[0]?.subs ?? [];
  for (const gn of names) {
    const t = gn.tag.number;
    if (t === 1 || t === 2 || t === 6) subjects.push(gn.value.toString("utf8"));
    else if (t === 7) subjects.push(ipString(gn.value));
    else if (t === 0 && gn.subs[0]?.toOID() === OID_OTHERNAME_USERNAME) {
      const v = gn.subs[1]?.subs[0]?.value;
      if (v !== undefined) subjects.push(v.toString("utf8"));
    }
  }
  return { ...(issuer === undefined ? {} : { issuer }), subjects };
}

/** A matcher whose regexes are compiled. */
export interface CompiledMatcher {
  readonly issuer: RegExp;
  readonly subject: RegExp;
  readonly source: IdentityMatcher;
}

function compile(re: string, what: string): RegExp {
  try {
    return new RegExp(re);
  } catch (err) {
    throw new VerifyError({
      code: "INVALID_IDENTITY",
      message: `${what} ${JSON.stringify(re)} is not a valid regular expression`,
      cause: err,
    });
  }
}

/** Compiles matchers; a bad regex is a configuration error (`INVALID_IDENTITY`). */
export function compileMatchers(matchers: readonly IdentityMatcher[]): CompiledMatcher[] {
  return matchers.map((m) => ({
    issuer: compile(m.issuer, "issuer regex"),
    subject: compile(m.subject, "subject regex"),
    source: m,
  }));
}

/** Which matcher accepted an identity. */
export interface IdentityMatch {
  readonly issuer: string;
  readonly subject: string;
  readonly matcher?: IdentityMatcher;
}

/**
 * Matches an identity against the matchers with Flux/cosign semantics: regexes are unanchored (`MatchString`), the
 * subject regex is tried on every SAN, issuer and subject must match in the same entry, entries are OR-ed. An empty
 * list accepts any identity (Flux); callers must warn when they pass one.
 */
export function matchIdentity(id: CertificateIdentity, matchers: readonly CompiledMatcher[]): IdentityMatch {
  const issuer = id.issuer ?? "";
  const first = id.subjects[0] ?? "";
  if (matchers.length === 0) return { issuer, subject: first };
  const issuerOk = matchers.filter((m) => m.issuer.test(issuer));
  if (issuerOk.length === 0) {
    throw new VerifyError({
      code: "ISSUER_MISMATCH",
      message: `certificate issuer ${JSON.stringify(issuer)} matches none of the expected issuers ${matchers.map((m) => JSON.stringify(m.source.issuer)).join(", ")}`,
    });
  }
  for (const m of issuerOk) {
    const subject = id.subjects.find((s) => m.subject.test(s));
    if (subject !== undefined) return { issuer, subject, matcher: m.source };
  }
  throw new VerifyError({
    code: "SUBJECT_MISMATCH",
    message: `certificate subject ${id.subjects.map((s) => JSON.stringify(s)).join(", ") || "(none)"} matches none of the expected subjects ${issuerOk.map((m) => JSON.stringify(m.source.subject)).join(", ")} for issuer ${JSON.stringify(issuer)}`,
  });
}
