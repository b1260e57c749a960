// SPDX-License-Identifier: Apache-2.0
/**
 * Deterministic tar+gzip of a directory exactly as `flux push artifact` builds it (fluxcd/pkg `oci.Build` →
 * `tar.Tar`): a `filepath.WalkDir` in byte order with the root as `.`, regular files and directories only,
 * owners, names and times zeroed, modes as on disk, Go's header encoding; then gzip with Go's header bytes
 * (mtime 0, no name, OS 255) and, by default, Go's deflate (./go-deflate.ts), so the layer is byte for byte
 * Flux's. Streams: memory does not grow with the artifact.
 */
import { createHash, type Hash } from "node:crypto";
import { createReadStream, lstatSync, readdirSync, readFileSync } from "node:fs";
import { chmod, copyFile, mkdir, mkdtemp, open, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { Duplex, Readable, Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip, constants as zc } from "node:zlib";
import { parseDigest, type Digest } from "../core/index.ts";
import { ArtifactError } from "./errors.ts";
import { goGzipStream } from "./go-deflate.ts";
import { goGzipInWorker } from "./go-gzip-worker.ts";
import {
  compareNames,
  loadIgnorePatterns,
  newMatcher,
  PUSH_DEFAULT_IGNORE,
  readPatterns,
  type IgnoreMatcher,
} from "./sourceignore.ts";
import { BLOCK, encodeHeader, padding, TRAILER } from "./tar-header.ts";

/** Options of {@link packDirectory}. */
export interface PackOptions {
  /** `--ignore-paths` patterns; default Flux's `excludeOCI` (VCS + ext patterns). */
  readonly ignorePaths?: readonly string[];
  /** Also apply every `.sourceignore` in the tree (scoped to its directory), after `ignorePaths`. Default true. */
  readonly sourceIgnore?: boolean;
  /**
   * `go` (default): Go's compress/gzip byte for byte, so the layer digest equals `flux push artifact`'s for the
   * same tree; `zlib`: Node's native zlib, faster, same tar, different compressed bytes.
   */
  readonly gzip?: GzipEncoder;
  readonly signal?: AbortSignal;
}

/** Which gzip encoder packs the layer. */
export type GzipEncoder = "go" | "zlib";

/** A packed layer in a temporary file. */
export interface PackedLayer {
  /** The `.tar.gz` file; remove it with {@link PackedLayer.dispose}. */
  readonly path: string;
  readonly digest: Digest;
  readonly size: number;
  /** sha256 of the uncompressed tar (the config's `rootfs.diff_ids`). */
  readonly diffId: Digest;
  readonly entries: number;
  dispose(): Promise<void>;
}

/** Files up to this size are read whole; larger ones stream. */
const WHOLE_READ_BYTES = 1024 * 1024;

/** The matcher `push` uses: `--ignore-paths` (or the default), then the tree's `.sourceignore` files. */
export async function pushMatcher(root: string, opts: PackOptions): Promise<IgnoreMatcher> {
  const patterns = readPatterns((opts.ignorePaths ?? PUSH_DEFAULT_IGNORE).join("\n"));
  if (opts.sourceIgnore !== false) patterns.push(...(await loadIgnorePatterns(root)));
  return newMatcher(patterns);
}

/** One entry to archive, in Flux's order. */
interface PlannedEntry {
  readonly path: string;
  readonly name: string;
  readonly kind: "file" | "directory";
  readonly mode: number;
  readonly size: number;
}

/**
 * From this much content on, the Go-identical deflater runs on a worker thread, overlapping with reading and
 * hashing; below it, starting a thread (about 30 ms) costs more than it saves.
 */
const WORKER_MIN_BYTES = 4 * 1024 * 1024;

function contentBytes(planned: readonly PlannedEntry[]): number {
  let n = 0;
  for (const e of planned) n += e.size;
  return n;
}

/** Tar output is regrouped into chunks of about this size before gzip (fewer stream hops). */
const OUT_CHUNK = 1024 * 1024;

/**
 * Walks `dir` as `filepath.WalkDir` does (byte order, directories entered after their own entry), listing
 * what Flux's `tar.Tar` would archive. Only metadata is kept, so memory follows the entry count, not the bytes.
 */
function plan(dir: string, rel: readonly string[], matcher: IgnoreMatcher, out: PlannedEntry[]): void {
  const entries = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile() || e.isDirectory());
  entries.sort((a, b) => compareNames(a.name, b.name));
  for (const e of entries) {
    const path = join(dir, e.name);
    const parts = [...rel, e.name];
    if (!matcher.isIgnored(parts, e.isDirectory())) {
      const st = lstatSync(path);
      out.push({
        path,
        name: parts.join("/"),
        kind: e.isDirectory() ? "directory" : "file",
        mode: st.mode & 0o7777,
        size: e.isDirectory() ? 0 : st.size,
      });
    }
    // Like fluxcd/pkg tar.Tar, an excluded directory is still walked: a later `!` pattern may keep files in it.
    if (e.isDirectory()) plan(path, parts, matcher, out);
  }
}

/**
 * Tar bytes of the planned entries (root `.` first), regrouped into ~1 MiB chunks. Small files are read with
 * synchronous calls: one open/read/close each instead of a thread-pool round trip per call, which is where a
 * 5,000-file push spent most of its time; the event loop still turns between chunks, and large files stream.
 */
async function* tarStream(rootMode: number, entries: readonly PlannedEntry[]): AsyncGenerator<Buffer> {
  let buf: Buffer[] = [encodeHeader({ name: ".", mode: rootMode, kind: "directory", size: 0 })];
  let buffered = BLOCK;
  const push = (b: Buffer) => {
    buf.push(b);
    buffered += b.length;
  };
  const flush = function* () {
    if (buffered > 0) yield Buffer.concat(buf, buffered);
    buf = [];
    buffered = 0;
  };
  for (const e of entries) {
    push(encodeHeader({ name: e.name, mode: e.mode, kind: e.kind, size: e.size }));
    if (e.kind === "file") {
      if (e.size <= WHOLE_READ_BYTES) {
        const data = readFileSync(e.path);
        if (data.length !== e.size) throw changed(e.name);
        push(data);
      } else {
        yield* flush();
        yield* streamFile(e);
      }
      const pad = padding(e.size);
      if (pad > 0) push(Buffer.alloc(pad));
    }
    if (buffered >= OUT_CHUNK) yield* flush();
  }
  push(TRAILER);
  yield* flush();
}

function changed(name: string): ArtifactError {
  return new ArtifactError({ code: "INVALID_SOURCE", message: `${name} changed size while it was packed` });
}

async function* streamFile(e: PlannedEntry): AsyncGenerator<Buffer> {
  let n = 0;
  for await (const chunk of createReadStream(e.path, { highWaterMark: WHOLE_READ_BYTES })) {
    const b = chunk as Buffer;
    n += b.length;
    if (n > e.size) throw changed(e.name);
    yield b;
  }
  if (n !== e.size) throw changed(e.name);
}

/** Hashes what flows through. */
function hashing(h: Hash, counter?: { n: number }): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      h.update(chunk);
      if (counter !== undefined) counter.n += chunk.length;
      cb(null, chunk);
    },
  });
}

/** Sets the gzip header's OS byte to 255 ("unknown") as Go's compress/gzip writes it (zlib writes 3). */
function goGzipHeader(): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      if (seen <= 9 && seen + chunk.length > 9) {
        const copy = Buffer.from(chunk);
        copy[9 - seen] = 0xff;
        chunk = copy;
      }
      seen += chunk.length;
      cb(null, chunk);
    },
  });
}

/**
 * Packs `source` (a directory, or a single file staged as Flux does: a `.` entry of mode 0700 and the file)
 * into a temporary `.tar.gz`, hashing while it streams.
 * @throws ArtifactError `INVALID_SOURCE` when the path does not exist or is neither file nor directory.
 */
export async function packDirectory(source: string, opts: PackOptions = {}): Promise<PackedLayer> {
  const st = await stat(source).catch((err: unknown) => {
    throw new ArtifactError({
      code: "INVALID_SOURCE",
      message: `source path does not exist: ${source}`,
      cause: err,
    });
  });
  if (!st.isDirectory() && !st.isFile())
    throw new ArtifactError({ code: "INVALID_SOURCE", message: `not a file or directory: ${source}` });
  const work = await mkdtemp(join(tmpdir(), "ocisync-pack-"));
  const dispose = () => rm(work, { recursive: true, force: true });
  try {
    let root = source;
    let rootMode = st.mode & 0o7777;
    if (st.isFile()) {
      root = join(work, "stage");
      await stageFile(source, root, st.mode & 0o7777);
      rootMode = 0o700;
    }
    const matcher = await pushMatcher(root, opts);
    const out = join(work, "layer.tar.gz");
    const tarHash = createHash("sha256");
    const gzHash = createHash("sha256");
    const size = { n: 0 };
    const planned: PlannedEntry[] = [];
    plan(root, [], matcher, planned);
    const fh = await open(out, "w", 0o640);
    await pipeline(
      Readable.from(tarStream(rootMode, planned), { highWaterMark: 2 }),
      hashing(tarHash),
      ...(opts.gzip === "zlib"
        ? [createGzip({ level: 6, chunkSize: 64 * 1024, flush: zc.Z_NO_FLUSH }), goGzipHeader()]
        : [contentBytes(planned) >= WORKER_MIN_BYTES ? Duplex.from(goGzipInWorker) : goGzipStream()]),
      hashing(gzHash, size),
      fh.createWriteStream(),
      opts.signal === undefined ? {} : { signal: opts.signal },
    );
    return {
      path: out,
      digest: parseDigest(`sha256:${gzHash.digest("hex")}`),
      size: size.n,
      diffId: parseDigest(`sha256:${tarHash.digest("hex")}`),
      entries: planned.length + 1,
      dispose,
    };
  } catch (err) {
    await dispose();
    throw err;
  }
}

async function stageFile(file: string, stageDir: string, mode: number): Promise<void> {
  await mkdir(stageDir, { mode: 0o700 });
  const dest = join(stageDir, basename(file));
  await copyFile(file, dest);
  await chmod(dest, mode);
}
