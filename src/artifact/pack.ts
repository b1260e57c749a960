// SPDX-License-Identifier: Apache-2.0
/**
 * Deterministic tar+gzip of a directory exactly as `flux push artifact` builds it (fluxcd/pkg `oci.Build` →
 * `tar.Tar`): a `filepath.WalkDir` in byte order with the root as `.`, regular files and directories only,
 * owners, names and times zeroed, modes as on disk, Go's header encoding; then gzip with Go's header bytes
 * (mtime 0, no name, OS 255). Streams: memory does not grow with the artifact. The deflate body comes from
 * zlib, not Go's compress/flate, so the compressed bytes differ from Flux's (docs/artifacts.md explains).
 */
import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import { chmod, copyFile, lstat, mkdir, mkdtemp, open, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { Readable, Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip, constants as zc } from "node:zlib";
import { parseDigest, type Digest } from "../core/index.ts";
import { ArtifactError } from "./errors.ts";
import { compareNames, loadIgnorePatterns, newMatcher, PUSH_DEFAULT_IGNORE, readPatterns, type IgnoreMatcher } from "./sourceignore.ts";
import { encodeHeader, padding, TRAILER } from "./tar-header.ts";

/** Options of {@link packDirectory}. */
export interface PackOptions {
  /** `--ignore-paths` patterns; default Flux's `excludeOCI` (VCS + ext patterns). */
  readonly ignorePaths?: readonly string[];
  /** Also apply every `.sourceignore` in the tree (scoped to its directory), after `ignorePaths`. Default true. */
  readonly sourceIgnore?: boolean;
  readonly signal?: AbortSignal;
}

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

/** Tar entries of `root` in Flux's order, as header+data chunks; `count` receives the entry count. */
async function* tarEntries(root: string, rootMode: number, matcher: IgnoreMatcher, count: { n: number }): AsyncGenerator<Buffer> {
  count.n++;
  yield encodeHeader({ name: ".", mode: rootMode, kind: "directory", size: 0 });
  yield* walk(root, [], matcher, count);
  yield TRAILER;
}

async function* walk(dir: string, rel: readonly string[], matcher: IgnoreMatcher, count: { n: number }): AsyncGenerator<Buffer> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => compareNames(a.name, b.name));
  for (const e of entries) {
    if (!e.isFile() && !e.isDirectory()) continue;
    const path = join(dir, e.name);
    const parts = [...rel, e.name];
    const isDir = e.isDirectory();
    if (!matcher.isIgnored(parts, isDir)) {
      const st = await lstat(path);
      const mode = st.mode & 0o7777;
      const name = parts.join("/");
      count.n++;
      if (isDir) {
        yield encodeHeader({ name, mode, kind: "directory", size: 0 });
      } else {
        yield encodeHeader({ name, mode, kind: "file", size: st.size });
        yield* fileData(path, st.size, name);
      }
    }
    // Like fluxcd/pkg tar.Tar, an excluded directory is still walked: a later `!` pattern may keep files in it.
    if (isDir) yield* walk(path, parts, matcher, count);
  }
}

async function* fileData(path: string, size: number, name: string): AsyncGenerator<Buffer> {
  let n = 0;
  if (size <= WHOLE_READ_BYTES) {
    const b = await readFile(path);
    n = b.length;
    if (n === size) yield b;
  } else {
    for await (const chunk of createReadStream(path, { highWaterMark: WHOLE_READ_BYTES })) {
      const b = chunk as Buffer;
      n += b.length;
      if (n > size) break;
      yield b;
    }
  }
  if (n !== size) throw new ArtifactError({ code: "INVALID_SOURCE", message: `${name} changed size while it was packed` });
  const pad = padding(size);
  if (pad > 0) yield Buffer.alloc(pad);
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
    throw new ArtifactError({ code: "INVALID_SOURCE", message: `source path does not exist: ${source}`, cause: err });
  });
  if (!st.isDirectory() && !st.isFile()) throw new ArtifactError({ code: "INVALID_SOURCE", message: `not a file or directory: ${source}` });
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
    const count = { n: 0 };
    const fh = await open(out, "w", 0o640);
    await pipeline(
      Readable.from(tarEntries(root, rootMode, matcher, count)),
      hashing(tarHash),
      createGzip({ level: 6, chunkSize: 64 * 1024, flush: zc.Z_NO_FLUSH }),
      goGzipHeader(),
      hashing(gzHash, size),
      fh.createWriteStream(),
      opts.signal === undefined ? {} : { signal: opts.signal },
    );
    return {
      path: out,
      digest: parseDigest(`sha256:${gzHash.digest("hex")}`),
      size: size.n,
      diffId: parseDigest(`sha256:${tarHash.digest("hex")}`),
      entries: count.n,
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
