// SPDX-License-Identifier: Apache-2.0
/**
 * `list` and `tag`, as `flux list artifacts` and `flux tag artifact` do them: one manifest GET per tag (its
 * digest and annotations), cosign `.sig/.att/.sbom` tags and referrers fallback indexes hidden; a tag is added
 * by PUTting the same manifest bytes under the new tag. https://fluxcd.io/flux/cmd/flux_list_artifacts/
 */
import type { Digest } from "../core/index.ts";
import type { Repository } from "../oci/index.ts";
import {
  checkConstraint,
  compareVersions,
  parseConstraint,
  parseFluxTag,
  type Version,
} from "../semver/index.ts";
import { CREATED_ANNOTATION, REVISION_ANNOTATION, SOURCE_ANNOTATION } from "./metadata.ts";

/** One listed artifact. */
export interface ArtifactListing {
  readonly tag: string;
  readonly digest: Digest;
  readonly mediaType: string;
  readonly source?: string;
  readonly revision?: string;
  readonly created?: string;
}

/** Cosign's tags (`sha256-<hex>.sig|.att|.sbom`) and the referrers tag-schema fallback (`sha256-<hex>`). */
const HIDDEN_TAG = /^sha256-[0-9a-f]{64}(?:\.(?:sig|att|sbom))?$/;

/** True for tags `list` hides. */
export function isHiddenTag(tag: string): boolean {
  return HIDDEN_TAG.test(tag);
}

/** Options of {@link listArtifacts}. */
export interface ListOptions {
  /** A Masterminds range: only tags Flux reads as versions inside it, newest first. */
  readonly semver?: string | undefined;
  /** Manifests fetched at once (default 8). */
  readonly concurrency?: number;
  readonly signal?: AbortSignal | undefined;
}

/** Tags to show, in order: newest version first with `semver`, else descending by name as Flux prints them. */
export function selectListedTags(tags: readonly string[], semver: string | undefined): string[] {
  const visible = tags.filter((t) => !isHiddenTag(t));
  if (semver === undefined) return visible.sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
  const c = parseConstraint(semver);
  const versions: { tag: string; v: Version }[] = [];
  for (const tag of visible) {
    const r = parseFluxTag(tag);
    if (r.kind === "version" && checkConstraint(c, r.version)) versions.push({ tag, v: r.version });
  }
  versions.sort((a, b) => compareVersions(b.v, a.v) || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
  return versions.map((x) => x.tag);
}

/** Every artifact tag of `repo` with its digest, source and revision. */
export async function listArtifacts(repo: Repository, opts: ListOptions = {}): Promise<ArtifactListing[]> {
  const signal = opts.signal;
  const tags = selectListedTags(await repo.tags({ signal }), opts.semver);
  const out: ArtifactListing[] = new Array<ArtifactListing>(tags.length);
  let next = 0;
  const worker = async () => {
    while (next < tags.length) {
      const i = next++;
      const tag = tags[i] ?? "";
      const m = await repo.fetchManifest(tag, { signal });
      const parsed = JSON.parse(Buffer.from(m.bytes).toString("utf8")) as {
        annotations?: Record<string, string>;
      };
      const a = parsed.annotations ?? {};
      const source = a[SOURCE_ANNOTATION];
      const revision = a[REVISION_ANNOTATION];
      const created = a[CREATED_ANNOTATION];
      out[i] = {
        tag,
        digest: m.descriptor.digest,
        mediaType: m.descriptor.mediaType,
        ...(source === undefined ? {} : { source }),
        ...(revision === undefined ? {} : { revision }),
        ...(created === undefined ? {} : { created }),
      };
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 8, tags.length) }, worker));
  return out;
}

/**
 * Adds `newTags` to the manifest `tag` names (the same bytes PUT under each new tag; no blob moves).
 * Returns the manifest digest.
 */
export async function tagArtifact(
  repo: Repository,
  tag: string,
  newTags: readonly string[],
  opts: { signal?: AbortSignal | undefined } = {},
): Promise<Digest> {
  const m = await repo.fetchManifest(tag, { signal: opts.signal });
  for (const t of newTags)
    await repo.pushManifest(m.bytes, m.descriptor.mediaType, t, { signal: opts.signal });
  return m.descriptor.digest;
}
