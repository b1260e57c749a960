// SPDX-License-Identifier: Apache-2.0
import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, readFile, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Readable } from "node:stream";
import {
  DEFAULT_LIMITS,
  digestAlgorithm,
  digestHex,
  isDigest,
  isManifestMediaType,
  parseDigest,
  sha256Of,
  type Descriptor,
  type Digest,
  type Limits,
} from "../../core/index.ts";
import { checkBytes } from "../client/blobs.ts";
import { checkMediaType } from "../client/manifests.ts";
import { fallbackTag, parseIndex, referrerLink } from "../client/referrers.ts";
import { OciError } from "../errors.ts";
import type { BlobContent, BlobPushResult, FetchedManifest, OpOptions, Repository } from "../repository.ts";
import { verifyStream } from "../transport/verify-stream.ts";
import { REF_NAME, initLayout, readLayoutIndex, withEntry, writeLayoutIndex } from "./index-file.ts";

/**
 * An OCI image layout directory as a repository (https://github.com/opencontainers/image-spec/blob/main/image-layout.md).
 * Tags are `org.opencontainers.image.ref.name` annotations holding the bare tag, as skopeo `oci:DIR:TAG` and
 * oras `--oci-layout` write them. Blobs are written to a temp file and renamed; `index.json` is replaced
 * atomically; writes from one process are serialised.
 */
export class LayoutRepository implements Repository {
  readonly name: string;
  private readonly dir: string;
  private readonly limits: Limits;
  private writes: Promise<unknown> = Promise.resolve();

  constructor(dir: string, opts: { limits?: Limits } = {}) {
    this.dir = dir;
    this.name = `oci-layout://${dir}`;
    this.limits = opts.limits ?? DEFAULT_LIMITS;
  }

  async tags(): Promise<string[]> {
    const index = await readLayoutIndex(this.dir, this.limits.manifestBytes);
    const names = index.manifests
      .map((d) => d.annotations?.[REF_NAME])
      .filter((t): t is string => t !== undefined);
    return [...new Set(names)];
  }

  async resolve(reference: string): Promise<Descriptor> {
    if (!isDigest(reference)) {
      const index = await readLayoutIndex(this.dir, this.limits.manifestBytes);
      const found = index.manifests.findLast((d) => d.annotations?.[REF_NAME] === reference);
      if (found === undefined)
        throw new OciError({ code: "NOT_FOUND", message: `tag ${reference} not found in ${this.name}` });
      return { mediaType: found.mediaType, digest: parseDigest(found.digest), size: found.size };
    }
    return (await this.fetchManifest(reference)).descriptor;
  }

  async fetchManifest(reference: string): Promise<FetchedManifest> {
    const digest = isDigest(reference) ? reference : (await this.resolve(reference)).digest;
    const bytes = await this.readBlob(digest, this.limits.manifestBytes);
    const got = sha256Of(bytes);
    if (digestAlgorithm(digest) === "sha256" && got !== digest) {
      throw new OciError({
        code: "DIGEST_MISMATCH",
        message: `manifest ${digest} in ${this.name} does not match its content (got ${got})`,
      });
    }
    const mediaType = checkMediaType(bytes, "", `manifest ${digest} in ${this.name}`);
    return { descriptor: { mediaType, digest, size: bytes.byteLength }, bytes };
  }

  async fetchBlob(desc: Descriptor): Promise<ReadableStream<Uint8Array>> {
    const file = this.blobPath(desc.digest);
    await stat(file).catch((err: unknown) => {
      throw new OciError({
        code: "NOT_FOUND",
        message: `blob ${desc.digest} not found in ${this.name}`,
        cause: err,
      });
    });
    return verifyStream(Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>, desc);
  }

  async fetchBlobBytes(desc: Descriptor, cap: number): Promise<Uint8Array> {
    if (desc.size > cap)
      throw new OciError({
        code: "SIZE_EXCEEDED",
        message: `blob ${desc.digest} (${desc.size} bytes) is larger than its cap of ${cap} bytes`,
      });
    const bytes = await this.readBlob(desc.digest, cap);
    checkBytes(bytes, desc);
    return bytes;
  }

  async hasBlob(desc: Descriptor): Promise<boolean> {
    return stat(this.blobPath(desc.digest)).then(
      () => true,
      () => false,
    );
  }

  async pushBlob(desc: Descriptor, content: BlobContent): Promise<BlobPushResult> {
    await initLayout(this.dir);
    if (await this.hasBlob(desc)) return "exists";
    const file = this.blobPath(desc.digest);
    await mkdir(dirname(file), { recursive: true });
    const tmp = `${file}.tmp-${randomBytes(6).toString("hex")}`;
    try {
      const handle = await open(tmp, "wx");
      try {
        const source = content instanceof Uint8Array ? [content] : verifyStream(content(), desc);
        if (content instanceof Uint8Array) checkBytes(content, desc);
        for await (const chunk of source) await handle.write(chunk);
      } finally {
        await handle.close();
      }
      await rename(tmp, file);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return "uploaded";
  }

  async pushManifest(bytes: Uint8Array, mediaType: string, tag?: string): Promise<Descriptor> {
    if (!isManifestMediaType(mediaType))
      throw new OciError({
        code: "INVALID_MANIFEST",
        message: `unsupported manifest media type ${mediaType}`,
      });
    const desc: Descriptor = { mediaType, digest: sha256Of(bytes), size: bytes.byteLength };
    await this.pushBlob(desc, bytes);
    await this.updateIndex((index) => withEntry(index, desc, tag));
    return desc;
  }

  async referrers(digest: Digest, opts?: OpOptions & { artifactType?: string }): Promise<Descriptor[]> {
    const index = await readLayoutIndex(this.dir, this.limits.manifestBytes);
    const out = new Map<string, Descriptor>();
    for (const d of index.manifests) {
      if (d.annotations?.[REF_NAME] === fallbackTag(digest)) {
        const fallback = await this.readBlob(parseDigest(d.digest), this.limits.manifestBytes);
        for (const r of parseIndex(fallback, `referrers index ${fallbackTag(digest)}`).manifests)
          out.set(r.digest, r);
        continue;
      }
      if (!isManifestMediaType(d.mediaType) || d.size > this.limits.manifestBytes) continue;
      const bytes = await this.readBlob(parseDigest(d.digest), this.limits.manifestBytes);
      const link = referrerLink(bytes, {
        mediaType: d.mediaType,
        digest: parseDigest(d.digest),
        size: d.size,
      });
      if (link?.subject === digest) out.set(d.digest, link.referrer);
    }
    const all = [...out.values()];
    return opts?.artifactType === undefined ? all : all.filter((d) => d.artifactType === opts.artifactType);
  }

  async deleteManifest(digest: Digest): Promise<void> {
    await this.updateIndex((index) => ({
      ...index,
      manifests: index.manifests.filter((d) => d.digest !== digest),
    }));
  }

  private blobPath(digest: Digest): string {
    return join(this.dir, "blobs", digestAlgorithm(digest), digestHex(digest));
  }

  private async readBlob(digest: Digest, cap: number): Promise<Uint8Array> {
    const file = this.blobPath(digest);
    const info = await stat(file).catch((err: unknown) => {
      throw new OciError({
        code: "NOT_FOUND",
        message: `blob ${digest} not found in ${this.name}`,
        cause: err,
      });
    });
    if (info.size > cap)
      throw new OciError({
        code: "SIZE_EXCEEDED",
        message: `blob ${digest} in ${this.name} is larger than its cap of ${cap} bytes`,
      });
    return new Uint8Array(await readFile(file));
  }

  private updateIndex(
    change: (
      index: Awaited<ReturnType<typeof readLayoutIndex>>,
    ) => Awaited<ReturnType<typeof readLayoutIndex>>,
  ): Promise<void> {
    const next = this.writes.then(async () => {
      await initLayout(this.dir);
      const index = await readLayoutIndex(this.dir, this.limits.manifestBytes);
      await writeLayoutIndex(this.dir, change(index));
    });
    this.writes = next.catch(() => undefined);
    return next;
  }
}
