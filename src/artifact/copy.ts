// SPDX-License-Identifier: Apache-2.0
/**
 * `copy`: an artifact (manifest or index, recursively) with its blobs, its cosign legacy tags
 * (`sha256-<hex>.sig|.att|.sbom`) and its referrers (sigstore bundles, attestations, SBOMs), from any
 * repository to any other: registry ↔ registry ↔ OCI image layout. Blobs already at the destination are not
 * sent again; large blobs stream. Referrer manifests pushed to a registry without the referrers API update the
 * tag-schema fallback index there (the Repository does that). https://github.com/opencontainers/image-spec/blob/main/manifest.md
 */
import { digestHex, isIndexMediaType, type Descriptor, type Digest } from "../core/index.ts";
import type { Repository } from "../oci/index.ts";

/** Blobs up to this size are copied in memory; larger ones stream. */
const SMALL_BLOB = 4 * 1024 * 1024;
/** How deep referrers of referrers are followed. */
const MAX_REFERRER_DEPTH = 3;

/** Options of {@link copyArtifact}. */
export interface CopyOptions {
  /** Source repository path on the same registry, for cross-repository blob mounts. */
  readonly mountFrom?: string | undefined;
  /** Also copy legacy signature tags and referrers (default true). */
  readonly withReferrers?: boolean;
  readonly signal?: AbortSignal | undefined;
}

/** What a copy moved. */
export interface CopyResult {
  readonly digest: Digest;
  readonly mediaType: string;
  readonly manifests: number;
  readonly blobsCopied: number;
  readonly blobsSkipped: number;
  /** Legacy cosign tags copied. */
  readonly signatureTags: readonly string[];
  /** Referrer manifests copied (all depths). */
  readonly referrers: readonly Digest[];
}

interface Counts {
  manifests: number;
  blobsCopied: number;
  blobsSkipped: number;
}

/** A stream that opens its source on first read (a blob push takes a factory of streams). */
function lazyStream(openIt: () => Promise<ReadableStream<Uint8Array>>): ReadableStream<Uint8Array> {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      reader ??= (await openIt()).getReader();
      const r = await reader.read();
      if (r.done) controller.close();
      else controller.enqueue(r.value);
    },
    async cancel(reason) {
      await reader?.cancel(reason);
    },
  });
}

class Copier {
  readonly counts: Counts = { manifests: 0, blobsCopied: 0, blobsSkipped: 0 };
  private readonly src: Repository;
  private readonly dst: Repository;
  private readonly opts: CopyOptions;
  constructor(src: Repository, dst: Repository, opts: CopyOptions) {
    this.src = src;
    this.dst = dst;
    this.opts = opts;
  }

  async blob(desc: Descriptor): Promise<void> {
    const signal = this.opts.signal;
    const mount = this.opts.mountFrom === undefined ? {} : { mountFrom: this.opts.mountFrom };
    const content =
      desc.size <= SMALL_BLOB
        ? await this.blobBytesIfMissing(desc)
        : () => lazyStream(() => this.src.fetchBlob(desc, { signal }));
    if (content === undefined) {
      this.counts.blobsSkipped++;
      return;
    }
    const r = await this.dst.pushBlob(desc, content, { signal, ...mount });
    if (r === "exists") this.counts.blobsSkipped++;
    else this.counts.blobsCopied++;
  }

  private async blobBytesIfMissing(desc: Descriptor): Promise<Uint8Array | undefined> {
    if (await this.dst.hasBlob(desc, { signal: this.opts.signal })) return undefined;
    return this.src.fetchBlobBytes(desc, SMALL_BLOB, { signal: this.opts.signal });
  }

  /** Copies the manifest `ref` names and everything it references; pushes it under `tag` (or by digest). */
  async manifest(ref: string, tag: string | undefined): Promise<Descriptor> {
    const signal = this.opts.signal;
    const m = await this.src.fetchManifest(ref, { signal });
    const body = JSON.parse(Buffer.from(m.bytes).toString("utf8")) as {
      config?: Descriptor;
      layers?: Descriptor[];
      manifests?: Descriptor[];
    };
    if (isIndexMediaType(m.descriptor.mediaType)) {
      for (const child of body.manifests ?? []) await this.manifest(child.digest, undefined);
    } else {
      if (body.config !== undefined) await this.blob(body.config);
      for (const l of body.layers ?? []) await this.blob(l);
    }
    this.counts.manifests++;
    return this.dst.pushManifest(m.bytes, m.descriptor.mediaType, tag, { signal });
  }

  /** Referrers of `digest`, then theirs, depth first. */
  async referrers(digest: Digest, depth: number, out: Digest[]): Promise<void> {
    if (depth > MAX_REFERRER_DEPTH) return;
    for (const r of await this.src.referrers(digest, { signal: this.opts.signal })) {
      if (out.includes(r.digest)) continue;
      await this.manifest(r.digest, undefined);
      out.push(r.digest);
      await this.referrers(r.digest, depth + 1, out);
    }
  }
}

/**
 * Copies `ref` (tag or digest) from `src` to `dst` under `dstTag` (default: untagged, by digest), then its
 * legacy signature tags and referrers.
 */
export async function copyArtifact(
  src: Repository,
  ref: string,
  dst: Repository,
  dstTag: string | undefined,
  opts: CopyOptions = {},
): Promise<CopyResult> {
  const c = new Copier(src, dst, opts);
  const desc = await c.manifest(ref, dstTag);
  const signatureTags: string[] = [];
  const referrers: Digest[] = [];
  if (opts.withReferrers !== false) {
    const prefix = `sha256-${digestHex(desc.digest)}.`;
    for (const t of await src.tags({ signal: opts.signal })) {
      if (t.startsWith(prefix) && /\.(?:sig|att|sbom)$/.test(t)) {
        await c.manifest(t, t);
        signatureTags.push(t);
      }
    }
    await c.referrers(desc.digest, 1, referrers);
  }
  return { digest: desc.digest, mediaType: desc.mediaType, ...c.counts, signatureTags, referrers };
}
