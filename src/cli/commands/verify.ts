// SPDX-License-Identifier: Apache-2.0
import { readFile } from "node:fs/promises";
import { ConfigError } from "../../core/index.ts";
import type { Target } from "../../oci/index.ts";
import {
  VerifyError,
  isVerifyConfigError,
  loadTrustedRoot,
  parsePemCertificates,
  parsePublicKeys,
  trustedRootFromPieces,
  verifyArtifact,
  type IdentityMatcher,
  type VerifiedArtifact,
  type VerifyPolicy,
} from "../../verify/index.ts";
import { clientFor, targetArg } from "../client.ts";
import { ExitCode } from "../exit-codes.ts";
import { printJson, type CommandContext } from "../io.ts";

/** Flags of `ocisync verify`, named after `cosign verify`'s. */
export interface VerifyFlags {
  readonly key: readonly string[];
  readonly certificateIdentityRegexp: readonly string[];
  readonly certificateOidcIssuerRegexp: readonly string[];
  readonly trustedRoot?: string;
  /** Keys: also require a verified Rekor entry (cosign CLI); Flux ignores the log for keys. */
  readonly requireTlog: boolean;
  /** Keyless with your own CA (cosign `--certificate-chain`): PEM intermediates and root that replace the root's CAs. */
  readonly certificateChain?: string;
  /** Keyless without a log (cosign `--insecure-ignore-tlog`): no log, SCT or timestamp; the chain is checked now. */
  readonly insecureIgnoreTlog: boolean;
}

/** The reference to verify in a target: its digest, else its tag, else `latest`. */
export function referenceOf(target: Target): string {
  if (target.kind === "registry") return target.ref.digest ?? target.ref.tag ?? "latest";
  return target.digest ?? target.tag ?? "latest";
}

/** Pairs `--certificate-identity-regexp` with `--certificate-oidc-issuer-regexp` (one issuer may serve all). */
export function identitiesOf(subjects: readonly string[], issuers: readonly string[]): IdentityMatcher[] {
  if (subjects.length === 0 && issuers.length === 0) return [];
  if (issuers.length === 1)
    return subjects.length === 0
      ? [{ issuer: issuers[0] ?? "", subject: "" }]
      : subjects.map((subject) => ({ issuer: issuers[0] ?? "", subject }));
  if (subjects.length !== issuers.length) {
    throw new ConfigError({
      code: "INVALID_ARGUMENT",
      message: "give one --certificate-oidc-issuer-regexp, or one per --certificate-identity-regexp",
    });
  }
  return subjects.map((subject, i) => ({ issuer: issuers[i] ?? "", subject }));
}

async function policyOf(flags: VerifyFlags, ctx: CommandContext): Promise<VerifyPolicy> {
  const keyless = flags.certificateIdentityRegexp.length > 0 || flags.certificateOidcIssuerRegexp.length > 0;
  if (flags.key.length > 0 && keyless)
    throw new ConfigError({
      code: "INVALID_ARGUMENT",
      message: "give either --key or the --certificate-* flags, not both",
    });
  if (flags.key.length > 0) {
    const keys = (
      await Promise.all(flags.key.map(async (f) => parsePublicKeys(await readFile(f, "utf8"), f)))
    ).flat();
    return {
      kind: "keys",
      keys,
      ...(flags.requireTlog ? { tlog: await loadTrustedRoot(flags.trustedRoot) } : {}),
    };
  }
  const identities = identitiesOf(flags.certificateIdentityRegexp, flags.certificateOidcIssuerRegexp);
  if (identities.length === 0)
    ctx.io.stderr.write(
      "warning: no --certificate-identity-regexp/--certificate-oidc-issuer-regexp: any identity the trusted root vouches for is accepted\n",
    );
  let trust = await loadTrustedRoot(flags.trustedRoot);
  if (flags.certificateChain !== undefined) {
    const certs = parsePemCertificates(await readFile(flags.certificateChain, "utf8"));
    if (certs.length === 0) {
      throw new ConfigError({
        code: "INVALID_ARGUMENT",
        message: `--certificate-chain ${flags.certificateChain}: no PEM certificates`,
      });
    }
    const cas = trustedRootFromPieces({ certificateAuthorities: [certs] }, flags.certificateChain).material
      .certificateAuthorities;
    trust = { source: flags.certificateChain, material: { ...trust.material, certificateAuthorities: cas } };
  }
  if (flags.insecureIgnoreTlog) {
    ctx.io.stderr.write(
      "warning: --insecure-ignore-tlog: no transparency log, SCT or signing time is checked; the certificate must be valid now\n",
    );
  }
  return {
    kind: "keyless",
    trust,
    identities,
    ...(flags.insecureIgnoreTlog ? { ignoreTlog: { now: new Date() } } : {}),
  };
}

/** What `verify -o json` prints on success. */
function resultJson(url: string, r: VerifiedArtifact): Record<string, unknown> {
  const s = r.signature;
  return {
    verified: true,
    url,
    digest: r.digest,
    format: s.format,
    source: s.source,
    key: s.key,
    identity: s.identity,
    tlog: s.tlog,
    signedAt: s.signedAt,
    warnings: s.warnings,
  };
}

function printText(ctx: CommandContext, url: string, r: VerifiedArtifact): void {
  const s = r.signature;
  const out = [
    `Verified ${url} @ ${r.digest}`,
    `  format:   ${s.format === "bundle" ? "sigstore bundle (referrer)" : "cosign legacy (.sig tag)"}`,
  ];
  if (s.key !== undefined) out.push(`  key:      ${s.key.name} (${s.key.id})`);
  if (s.identity !== undefined)
    out.push(`  issuer:   ${s.identity.issuer}`, `  subject:  ${s.identity.subject}`);
  if (s.tlog !== undefined)
    out.push(
      `  tlog:     index ${s.tlog.logIndex}${s.tlog.integratedTime === undefined ? "" : ` at ${new Date(Number(s.tlog.integratedTime) * 1000).toISOString()}`}`,
    );
  ctx.io.stdout.write(`${out.join("\n")}\n`);
  for (const w of s.warnings) ctx.io.stderr.write(`warning: ${w}\n`);
}

/**
 * `ocisync verify URL`: resolves the reference once, finds signatures (bundle referrers, legacy `.sig`) for that digest
 * and prints what verified. A verification failure exits with {@link ExitCode.verification} and names the reason.
 */
export async function runVerify(url: string, flags: VerifyFlags, ctx: CommandContext): Promise<number> {
  const target = targetArg(url);
  const policy = await policyOf(flags, ctx);
  const repo = (await clientFor(ctx, target)).repository(target);
  try {
    const r = await verifyArtifact(repo, referenceOf(target), policy, { signal: ctx.signal });
    if (ctx.flags.output === "json") printJson(ctx.io, resultJson(repo.name, r));
    else printText(ctx, repo.name, r);
    return ExitCode.ok;
  } catch (err) {
    if (!(err instanceof VerifyError) || isVerifyConfigError(err.code) || ctx.flags.output !== "json")
      throw err;
    printJson(ctx.io, {
      verified: false,
      url: repo.name,
      code: err.code,
      message: err.message,
      formatsFound: err.formatsFound,
      failures: err.failures,
    });
    ctx.io.stderr.write(`error: ${err.message} [${err.code}]\n`);
    return ExitCode.verification;
  }
}
