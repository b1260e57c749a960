// SPDX-License-Identifier: Apache-2.0
/**
 * `push`: pack a directory or file the way `flux push artifact` does, upload config and layer (skipped when
 * the registry has them), then the manifest under a tag. The layer streams from a temporary file, so memory
 * stays flat whatever the artifact's size. https://fluxcd.io/flux/cmd/flux_push_artifact/
 */
import { open, type FileHandle } from "node:fs/promises";
import {
  MediaType,
  sha256Of,
  SYSTEM_CLOCK,
  type Clock,
  type Descriptor,
  type Digest,
} from "../core/index.ts";
import type { BlobPushResult, Repository } from "../oci/index.ts";
import {
  artifactAnnotations,
  configBytes,
  manifestBytes,
  REPRODUCIBLE_CREATED,
  rfc3339,
  type ArtifactMetadata,
} from "./metadata.ts";
import { packDirectory, type GzipEncoder } from "./pack.ts";

/** Progress of a push, for a progress bar. */
export type PushProgress =
  { readonly phase: "pack" } | { readonly phase: "upload"; readonly done: number; readonly total: number };

/** Options of {@link pushArtifact}. */
export interface PushOptions extends ArtifactMetadata {
  /** `--ignore-paths`; default Flux's VCS + ext patterns. */
  readonly ignorePaths?: readonly string[] | undefined;
  /** Apply `.sourceignore` files found in the tree (default true). */
  readonly sourceIgnore?: boolean | undefined;
  /** Gzip encoder: `go` (default, Flux's exact bytes) or `zlib` (faster, different layer digest). */
  readonly gzip?: GzipEncoder | undefined;
  /** Pin `created` to the epoch, so the same directory gives the same manifest digest. */
  readonly reproducible?: boolean | undefined;
  readonly clock?: Clock | undefined;
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ((p: PushProgress) => void) | undefined;
}

/** What was pushed. */
export interface PushResult {
  readonly repository: string;
  readonly tag?: string;
  readonly digest: Digest;
  readonly manifest: Descriptor;
  readonly config: Descriptor;
  readonly layer: Descriptor;
  readonly annotations: Readonly<Record<string, string>>;
  readonly uploaded: { readonly config: BlobPushResult; readonly layer: BlobPushResult };
}

/** Bytes per read of the packed layer while uploading. */
const READ_BYTES = 1024 * 1024;

/**
 * A web stream of a file that reports how many bytes were read. Hand-made rather than `Readable.toWeb`, which
 * copies every chunk once more; each read here fills a fresh buffer that is handed over as is.
 */
function fileStream(path: string, onRead: (n: number) => void): ReadableStream<Uint8Array> {
  let fh: FileHandle | undefined;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      fh ??= await open(path, "r");
      const buf = Buffer.allocUnsafe(READ_BYTES);
      const { bytesRead } = await fh.read(buf, 0, READ_BYTES, null);
      if (bytesRead === 0) {
        await fh.close();
        controller.close();
        return;
      }
      onRead(bytesRead);
      controller.enqueue(buf.subarray(0, bytesRead));
    },
    async cancel() {
      await fh?.close();
    },
  });
}

/**
 * Packs `source` and pushes it to `repo` under `tag` (untagged when undefined).
 * @throws ArtifactError (`INVALID_SOURCE`, `INVALID_ANNOTATION`), OciError from the registry
 */
export async function pushArtifact(
  repo: Repository,
  source: string,
  tag: string | undefined,
  opts: PushOptions = {},
): Promise<PushResult> {
  const clock = opts.clock ?? SYSTEM_CLOCK;
  const created = opts.created ?? (opts.reproducible === true ? REPRODUCIBLE_CREATED : rfc3339(clock.now()));
  const annotations = artifactAnnotations(opts, created);
  opts.onProgress?.({ phase: "pack" });
  const packed = await packDirectory(source, {
    ...(opts.ignorePaths === undefined ? {} : { ignorePaths: opts.ignorePaths }),
    ...(opts.sourceIgnore === undefined ? {} : { sourceIgnore: opts.sourceIgnore }),
    ...(opts.gzip === undefined ? {} : { gzip: opts.gzip }),
    ...(opts.signal === undefined ? {} : { signal: opts.signal }),
  });
  try {
    const signal = opts.signal;
    const layer: Descriptor = { mediaType: MediaType.fluxContent, digest: packed.digest, size: packed.size };
    const cfgBytes = configBytes();
    const config: Descriptor = {
      mediaType: MediaType.fluxConfig,
      digest: sha256Of(cfgBytes),
      size: cfgBytes.byteLength,
    };
    let done = 0;
    const report = (n: number) => {
      done += n;
      opts.onProgress?.({ phase: "upload", done, total: packed.size });
    };
    report(0);
    const layerResult = await repo.pushBlob(layer, () => fileStream(packed.path, report), { signal });
    if (layerResult !== "uploaded") report(packed.size - done);
    const configResult = await repo.pushBlob(config, cfgBytes, { signal });
    const bytes = manifestBytes(config, [layer], annotations);
    const manifest = await repo.pushManifest(bytes, MediaType.ociManifest, tag, { signal });
    return {
      repository: repo.name,
      ...(tag === undefined ? {} : { tag }),
      digest: manifest.digest,
      manifest,
      config,
      layer,
      annotations,
      uploaded: { config: configResult, layer: layerResult },
    };
  } finally {
    await packed.dispose();
  }
}
