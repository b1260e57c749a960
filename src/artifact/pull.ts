// SPDX-License-Identifier: Apache-2.0
/**
 * `pull`: resolve a tag once, then fetch everything by digest (source-controller#1245: the tag may move while
 * we read); select a layer (first, or first of a media type, as `spec.layerSelector`), and extract it securely
 * or copy it as a file. https://fluxcd.io/flux/components/source/ocirepositories/#layer-selector
 */
import { mkdir, mkdtemp, open, rename, rm, rmdir } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import {
  DEFAULT_LIMITS,
  digestHex,
  isCdError,
  MediaType,
  type Descriptor,
  type Digest,
  type ImageManifest,
  type Limits,
} from "../core/index.ts";
import type { Repository } from "../oci/index.ts";
import { ArtifactError } from "./errors.ts";
import { entryComponents, extractTarGz } from "./extract.ts";
import { fluxRevision, REVISION_ANNOTATION, SOURCE_ANNOTATION } from "./metadata.ts";

/** `spec.layerSelector.operation`. */
export type LayerOperation = "extract" | "copy";

/** Options of {@link pullArtifact}. */
export interface PullOptions {
  /** Take the first layer of this media type (default: the first layer). */
  readonly layerMediaType?: string | undefined;
  readonly operation?: LayerOperation | undefined;
  readonly limits?: Limits | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Layer bytes received so far, for a progress bar. */
  readonly onProgress?: ((done: number, total: number) => void) | undefined;
}

/** What was pulled. */
export interface PullResult {
  readonly digest: Digest;
  readonly tag?: string;
  /** Flux's revision string: `<tag>@<digest>`, or the digest when pulled by digest. */
  readonly revision: string;
  readonly source?: string;
  readonly originRevision?: string;
  readonly annotations: Readonly<Record<string, string>>;
  readonly layer: Descriptor;
  readonly output: string;
  readonly entries?: number;
}

/** Layer media types that are gzip-compressed tars (Flux content, OCI and Docker image layers, Helm charts). */
function isTarGzip(mt: string): boolean {
  return (
    mt === MediaType.fluxContent ||
    mt.endsWith(".tar+gzip") ||
    mt.endsWith(".tar.gzip") ||
    mt === "application/vnd.docker.image.rootfs.diff.tar.gzip"
  );
}

/** Wraps registry errors of the pull in stable artifact codes. */
function wrapFetch(err: unknown, what: "manifest" | "layer", desc?: Descriptor): unknown {
  if (!isCdError(err)) return err;
  if (what === "manifest" && err.code === "SIZE_EXCEEDED") {
    return new ArtifactError({ code: "MANIFEST_TOO_LARGE", message: err.message, cause: err });
  }
  if (what === "layer" && desc !== undefined) {
    if (err.code === "NOT_FOUND")
      return new ArtifactError({
        code: "LAYER_NOT_FOUND",
        message: `layer ${desc.digest} is not in the repository`,
        cause: err,
      });
    // A short read is a broken transfer (retryable), not wrong content: it stays an OciError.
    if (err.code === "DIGEST_MISMATCH" || (err.code === "SIZE_EXCEEDED" && !err.retryable)) {
      return new ArtifactError({
        code: "DIGEST_MISMATCH",
        message: `layer ${desc.digest} does not match its digest: ${err.message}`,
        cause: err,
      });
    }
  }
  return err;
}

/** Reads the layer to its end; returns the `DIGEST_MISMATCH` error if its bytes do not match, else undefined. */
async function digestProblem(
  repo: Repository,
  layer: Descriptor,
  signal: AbortSignal | undefined,
): Promise<ArtifactError | undefined> {
  try {
    const body = await repo.fetchBlob(layer, { signal });
    const reader = body.getReader();
    while (!(await reader.read()).done) {
      // drain: the stream checks size and digest at its end
    }
    return undefined;
  } catch (err) {
    const wrapped = wrapFetch(err, "layer", layer);
    return wrapped instanceof ArtifactError && wrapped.code === "DIGEST_MISMATCH" ? wrapped : undefined;
  }
}

/** Parses manifest bytes as an image manifest with layers, or fails with `UNEXPECTED_MEDIA_TYPE`. */
export function parseArtifactManifest(bytes: Uint8Array, mediaType: string): ImageManifest {
  if (mediaType !== MediaType.ociManifest && mediaType !== MediaType.dockerManifest) {
    throw new ArtifactError({
      code: "UNEXPECTED_MEDIA_TYPE",
      message: `expected an image manifest, got ${mediaType}`,
    });
  }
  const m = JSON.parse(Buffer.from(bytes).toString("utf8")) as Partial<ImageManifest>;
  if (!Array.isArray(m.layers) || typeof m.config !== "object") {
    throw new ArtifactError({ code: "UNEXPECTED_MEDIA_TYPE", message: "manifest has no config or layers" });
  }
  return m as ImageManifest;
}

/**
 * Chooses the layer: the first, or the first with `mediaType`.
 * @throws ArtifactError `LAYER_NOT_FOUND`, `UNEXPECTED_MEDIA_TYPE` (extracting a layer that is not a tar+gzip)
 */
export function selectLayer(
  m: ImageManifest,
  mediaType: string | undefined,
  operation: LayerOperation,
): Descriptor {
  const layer = mediaType === undefined ? m.layers[0] : m.layers.find((l) => l.mediaType === mediaType);
  if (layer === undefined) {
    throw new ArtifactError({
      code: "LAYER_NOT_FOUND",
      message:
        mediaType === undefined
          ? "the artifact has no layers"
          : `the artifact has no layer of media type ${mediaType}`,
    });
  }
  if (operation === "extract" && !isTarGzip(layer.mediaType)) {
    throw new ArtifactError({
      code: "UNEXPECTED_MEDIA_TYPE",
      message: `layer ${layer.digest} has media type ${layer.mediaType}, not a tar+gzip to extract`,
    });
  }
  return layer;
}

/**
 * Pulls `reference` (a tag or digest; default `latest`) from `repo` into `outDir` (absent or empty).
 * @throws ArtifactError (`MANIFEST_TOO_LARGE`, `UNEXPECTED_MEDIA_TYPE`, `LAYER_NOT_FOUND`, `DIGEST_MISMATCH`, and every
 * extraction code), OciError from the registry
 */
export async function pullArtifact(
  repo: Repository,
  ref: { tag?: string | undefined; digest?: Digest | undefined },
  outDir: string,
  opts: PullOptions = {},
): Promise<PullResult> {
  const signal = opts.signal;
  const fetched = await (async () => {
    const digest = ref.digest ?? (await repo.resolve(ref.tag ?? "latest", { signal })).digest;
    return repo.fetchManifest(digest, { signal });
  })().catch((err: unknown) => {
    throw wrapFetch(err, "manifest");
  });
  const digest = fetched.descriptor.digest;
  const manifest = parseArtifactManifest(fetched.bytes, fetched.descriptor.mediaType);
  const operation = opts.operation ?? "extract";
  const layer = selectLayer(manifest, opts.layerMediaType, operation);
  const annotations = manifest.annotations ?? {};
  const tag = ref.digest === undefined ? (ref.tag ?? "latest") : undefined;
  const body = await repo.fetchBlob(layer, { signal }).catch((err: unknown) => {
    throw wrapFetch(err, "layer", layer);
  });
  let done = 0;
  const counted =
    opts.onProgress === undefined
      ? body
      : body.pipeThrough(
          new TransformStream<Uint8Array, Uint8Array>({
            transform(chunk, controller) {
              done += chunk.byteLength;
              opts.onProgress?.(done, layer.size);
              controller.enqueue(chunk);
            },
          }),
        );
  const source = Readable.fromWeb(counted as WebReadableStream<Uint8Array>);
  let entries: number | undefined;
  try {
    if (operation === "extract") {
      entries = (await extractTarGz(source, outDir, { limits: opts.limits ?? DEFAULT_LIMITS, signal }))
        .entries;
    } else {
      await copyLayer(source, layer, outDir, signal);
    }
  } catch (err) {
    // Flipped bytes usually break gzip before the digest is checked at the end of the stream; read the
    // layer again to its end so that the report names the real cause.
    if (isCdError(err) && err.code === "INVALID_ARCHIVE") {
      const mismatch = await digestProblem(repo, layer, signal);
      if (mismatch !== undefined) throw mismatch;
    }
    throw wrapFetch(err, "layer", layer);
  }
  const src = annotations[SOURCE_ANNOTATION];
  const rev = annotations[REVISION_ANNOTATION];
  return {
    digest,
    ...(tag === undefined ? {} : { tag }),
    revision: fluxRevision(tag, digest),
    ...(src === undefined ? {} : { source: src }),
    ...(rev === undefined ? {} : { originRevision: rev }),
    annotations,
    layer,
    output: resolve(outDir),
    ...(entries === undefined ? {} : { entries }),
  };
}

/** `operation: copy`: the blob as one file (named by its `org.opencontainers.image.title` when safe). */
async function copyLayer(
  source: Readable,
  layer: Descriptor,
  outDir: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  const out = resolve(outDir);
  await mkdir(dirname(out), { recursive: true });
  const tmp = await mkdtemp(join(dirname(out), `.${basename(out)}.ocisync-`));
  try {
    const title = layer.annotations?.["org.opencontainers.image.title"];
    const safe =
      title !== undefined &&
      (() => {
        try {
          return entryComponents(title).length === 1;
        } catch {
          return false;
        }
      })();
    const name = safe ? title : `${digestHex(layer.digest)}.blob`;
    const fh = await open(join(tmp, name), "wx", 0o644);
    await pipeline(source, fh.createWriteStream(), signal === undefined ? {} : { signal });
    await rmdir(out).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") {
        throw new ArtifactError({
          code: "OUTPUT_EXISTS",
          message: `output ${out} exists and is not an empty directory`,
          cause: err,
        });
      }
    });
    await rename(tmp, out);
  } catch (err) {
    source.destroy();
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}
