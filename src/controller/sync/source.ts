// SPDX-License-Identifier: Apache-2.0
import { join } from "node:path";
import type { Digest, Limits } from "../../core/index.ts";
import { pullArtifact } from "../../artifact/index.ts";
import {
  kubeSecretCredentials,
  parseTarget,
  type ClientOptions,
  type OciClient,
  type Repository,
  type Target,
} from "../../oci/index.ts";
import {
  compareVersions,
  parseVersion,
  refKind,
  revisionOf,
  selectTag,
  type TagVerdict,
} from "../../semver/index.ts";
import { VerifyError, verifyArtifact, type TrustedRoot, type VerifiedSignature } from "../../verify/index.ts";
import type { FluxBundle, OCIRepository } from "../api/index.ts";
import { SyncError } from "./errors.ts";
import { secretFor, verifyPolicyOf } from "./policy.ts";

/** A tag's verdict, including what signature verification said (`unsigned`, `signature-rejected`). */
export type SourceVerdict =
  | TagVerdict
  | {
      readonly tag: string;
      readonly verdict: "unsigned" | "signature-rejected";
      readonly version?: string;
      readonly reason: string;
    };

/** The artifact an OCIRepository resolved to, verified and extracted. */
export interface FetchedSource {
  readonly url: string;
  readonly tag?: string;
  readonly digest: Digest;
  /** Flux's revision: `<tag>@sha256:<hex>`, or the digest for digest refs. */
  readonly revision: string;
  /** Every tag seen and why it was (not) taken; empty for tag and digest refs. */
  readonly verdicts: readonly SourceVerdict[];
  readonly verified?: VerifiedSignature;
  readonly originRevision?: string;
  readonly dir: string;
}

/** What fetching a source needs from outside. */
export interface SourceDeps {
  /** Opens a client for a registry with the OCIRepository's transport settings. */
  readonly client: (opts: ClientOptions) => OciClient;
  /** Repositories served from elsewhere: `oci://host/repo` → a target (an `oci-layout://` mirror, offline use). */
  readonly mirrors: ReadonlyMap<string, Target>;
  readonly shippedRoot: () => Promise<TrustedRoot>;
  readonly workDir: string;
  readonly limits?: Limits;
  readonly signal?: AbortSignal;
  /** Older in-range versions tried when the newest fails verification. */
  readonly maxVerifyAttempts?: number;
}

/**
 * Resolves an OCIRepository as Flux does (digest > semver > tag > latest), verifies the signature when `spec.verify`
 * is set, and extracts the artifact by digest. Beyond Flux: with a semver range, a newest version that fails
 * verification is reported and the next lower version in range is tried (DESIGN §1: the newest *signed* version the
 * policy allows), up to `maxVerifyAttempts`.
 */
export async function fetchSource(
  src: OCIRepository,
  bundle: FluxBundle,
  deps: SourceDeps,
): Promise<FetchedSource> {
  const { repo, url } = openSource(src, bundle, deps);
  const policy = await verifyPolicyOf(src, bundle, deps.shippedRoot);
  const opts = { signal: deps.signal };
  const kind = refKind(src.spec.ref);
  let candidates: { tag?: string; digest?: Digest; version?: string }[];
  let verdicts: SourceVerdict[] = [];
  if (kind.kind === "semver") {
    const sel = selectTag(await repo.tags(opts), kind.range, {
      ...(kind.filter === undefined ? {} : { filter: kind.filter }),
      explain: true,
    });
    verdicts = [...sel.verdicts];
    candidates = inRangeByVersion(sel.verdicts);
  } else {
    candidates = [kind.kind === "digest" ? { digest: kind.digest } : { tag: kind.tag }];
  }
  const attempts = policy === undefined ? 1 : (deps.maxVerifyAttempts ?? 10);
  let lastError: unknown;
  for (const c of candidates.slice(0, attempts)) {
    const digest = c.digest ?? (await repo.resolve(c.tag ?? "latest", opts)).digest;
    let verified: VerifiedSignature | undefined;
    if (policy !== undefined) {
      try {
        verified = (await verifyArtifact(repo, digest, policy, opts)).signature;
      } catch (err) {
        if (!(err instanceof VerifyError) || c.tag === undefined || kind.kind !== "semver") throw err;
        lastError = err;
        verdicts = refuse(verdicts, c.tag, err);
        continue;
      }
    }
    verdicts = verdicts.map((v) => (v.tag === c.tag ? chosen(v, lastError !== undefined) : demote(v, c.tag)));
    const dir = join(deps.workDir, `${src.metadata.namespace}-${src.metadata.name}`);
    const pulled = await pullArtifact(repo, { digest }, dir, {
      layerMediaType: src.spec.layerSelector?.mediaType,
      operation: src.spec.layerSelector?.operation,
      limits: deps.limits,
      signal: deps.signal,
    });
    return {
      url,
      ...(c.tag === undefined ? {} : { tag: c.tag }),
      digest,
      revision: revisionOf(c.tag, digest),
      verdicts,
      ...(verified === undefined ? {} : { verified }),
      ...(pulled.originRevision === undefined ? {} : { originRevision: pulled.originRevision }),
      dir,
    };
  }
  throw new SyncError({
    code: "NO_VERIFIED_VERSION",
    message: `OCIRepository ${src.metadata.namespace}/${src.metadata.name}: no version in range ${kind.kind === "semver" ? kind.range : ""} passed verification (tried ${Math.min(attempts, candidates.length)})`,
    cause: lastError,
  });
}

function openSource(
  src: OCIRepository,
  bundle: FluxBundle,
  deps: SourceDeps,
): { repo: Repository; url: string } {
  const ns = src.metadata.namespace;
  const url = src.spec.url;
  const mirror = deps.mirrors.get(url);
  const target = mirror ?? parseTarget(url);
  const secret =
    src.spec.secretRef === undefined
      ? undefined
      : secretFor(
          bundle,
          ns,
          src.spec.secretRef.name,
          `OCIRepository ${ns}/${src.metadata.name} spec.secretRef`,
        );
  const credentials =
    secret === undefined
      ? undefined
      : kubeSecretCredentials({
          type: secret.type ?? "",
          metadata: { name: secret.name, namespace: ns },
          stringData: secret.data,
        });
  const client = deps.client({
    plainHttp: src.spec.insecure === true,
    ...(credentials === undefined ? {} : { credentials }),
  });
  return { repo: client.repository(target), url };
}

/** In-range tags (selected, superseded, lost ties), highest version first; ties by tag, as selection breaks them. */
function inRangeByVersion(verdicts: readonly TagVerdict[]): { tag: string; version?: string }[] {
  const inRange = verdicts.filter(
    (v) => v.verdict === "selected" || v.verdict === "superseded" || v.verdict === "lost-tie",
  );
  return inRange
    .map((v) => ({ tag: v.tag, version: v.version ?? v.tag }))
    .sort(
      (a, b) =>
        compareVersions(parseVersion(b.version), parseVersion(a.version)) ||
        (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0),
    );
}

function refuse(verdicts: SourceVerdict[], tag: string, err: VerifyError): SourceVerdict[] {
  const verdict = err.code === "UNSIGNED" ? ("unsigned" as const) : ("signature-rejected" as const);
  return verdicts.map((v) =>
    v.tag === tag
      ? {
          tag,
          verdict,
          ...(v.version === undefined ? {} : { version: v.version }),
          reason: `${verdict === "unsigned" ? "unsigned" : "signature rejected"}: ${err.message}`,
        }
      : v,
  );
}

function chosen(v: SourceVerdict, afterRefusals: boolean): SourceVerdict {
  if (!afterRefusals) return v;
  return {
    ...v,
    verdict: "selected",
    reason: "selected: the highest version in range whose signature verified",
  };
}

function demote(v: SourceVerdict, chosen: string | undefined): SourceVerdict {
  if (v.verdict !== "selected" || v.tag === chosen) return v;
  return { ...v, verdict: "superseded", reason: `in range, but ${chosen ?? "another version"} was taken` };
}
