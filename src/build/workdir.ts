// SPDX-License-Identifier: Apache-2.0
// The confined working copy a build runs in. kustomize-controller builds in a temp copy of the artifact and
// writes the generated kustomization.yaml there; ocisync does the same, so the user's tree is never modified,
// and refuses anything that would reach outside the source root (symlinks out, `..` paths).
import {
  copyFile,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readlink,
  realpath,
  rm,
  stat,
  symlink,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { BuildError } from "./errors.ts";

/** Caps on the copied source tree (STYLE.md §5 defaults for extracted artifacts). */
export interface CopyLimits {
  readonly maxBytes: number;
  readonly maxEntries: number;
}

/** 256 MiB and 20,000 entries, as for an extracted artifact. */
export const DEFAULT_COPY_LIMITS: CopyLimits = Object.freeze({
  maxBytes: 256 * 1024 * 1024,
  maxEntries: 20_000,
});

/** A temp copy of a source tree; `dispose` removes it. */
export interface WorkDir {
  /** The copy's root (real path). */
  readonly root: string;
  dispose(): Promise<void>;
}

/** True if `child` is `parent` or lies beneath it (both absolute, normalised). */
export function isWithin(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

/**
 * Joins a Kustomization `spec.path` to a root. Like Flux a leading `/` or `./` means the root; unlike Flux
 * (whose securejoin silently clamps `..` to the root) a path that climbs out fails with `PATH_ESCAPES_ROOT`.
 */
export function joinWithinRoot(root: string, path: string): string {
  const target = resolve(root, `.${sep}${path}`);
  if (!isWithin(root, target)) {
    throw new BuildError({ code: "PATH_ESCAPES_ROOT", message: `path '${path}' is outside the source root` });
  }
  return target;
}

interface CopyState {
  readonly srcRoot: string;
  readonly limits: CopyLimits;
  readonly signal: AbortSignal | undefined;
  bytes: number;
  entries: number;
}

function count(state: CopyState, bytes: number): void {
  state.entries += 1;
  state.bytes += bytes;
  if (state.entries > state.limits.maxEntries || state.bytes > state.limits.maxBytes) {
    throw new BuildError({
      code: "SOURCE_TOO_LARGE",
      message: `source tree exceeds ${state.limits.maxEntries} entries or ${state.limits.maxBytes} bytes`,
    });
  }
}

/** Re-creates a symlink whose target stays inside the source root, as a relative link; refuses the rest. */
async function copySymlink(state: CopyState, src: string, dst: string): Promise<void> {
  const link = await readlink(src);
  let real: string;
  try {
    real = await realpath(src);
  } catch {
    return; // dangling: nothing a build could read (source-controller drops symlinks altogether)
  }
  if (!isWithin(state.srcRoot, real)) {
    throw new BuildError({
      code: "PATH_ESCAPES_ROOT",
      message: `symlink '${relative(state.srcRoot, src)}' -> '${link}' points outside the source root`,
    });
  }
  await symlink(relative(dirname(src), real) || ".", dst);
}

async function copyTree(state: CopyState, src: string, dst: string): Promise<void> {
  state.signal?.throwIfAborted();
  await mkdir(dst, { recursive: true });
  const entries = await readdir(src, { withFileTypes: true });
  for (const e of entries) {
    const from = join(src, e.name);
    const to = join(dst, e.name);
    if (e.isDirectory()) {
      if (e.name === ".git") continue; // VCS metadata is never part of a build (Flux's default ignore list)
      count(state, 0);
      await copyTree(state, from, to);
    } else if (e.isFile()) {
      count(state, (await stat(from)).size);
      await copyFile(from, to);
    } else if (e.isSymbolicLink()) {
      count(state, 0);
      await copySymlink(state, from, to);
    }
    // Sockets, FIFOs and devices are skipped: no manifest lives there.
  }
}

/**
 * Copies `srcRoot` into a fresh temp directory under `tempDir` (default: the OS temp dir). Throws
 * `PATH_NOT_FOUND`, `PATH_ESCAPES_ROOT` or `SOURCE_TOO_LARGE`; on failure nothing is left behind.
 */
export async function copyToWorkDir(
  srcRoot: string,
  opts: { limits?: CopyLimits; tempDir?: string; signal?: AbortSignal } = {},
): Promise<WorkDir> {
  let real: string;
  try {
    real = await realpath(srcRoot);
    if (!(await lstat(real)).isDirectory()) throw new Error("not a directory");
  } catch (cause) {
    throw new BuildError({
      code: "PATH_NOT_FOUND",
      message: `source root '${srcRoot}' is not a directory`,
      cause,
    });
  }
  const root = await realpath(await mkdtemp(join(opts.tempDir ?? tmpdir(), "ocisync-build-")));
  const dispose = () => rm(root, { recursive: true, force: true });
  try {
    const state: CopyState = {
      srcRoot: real,
      limits: opts.limits ?? DEFAULT_COPY_LIMITS,
      signal: opts.signal,
      bytes: 0,
      entries: 0,
    };
    await copyTree(state, real, root);
  } catch (err) {
    await dispose();
    throw err;
  }
  return { root, dispose };
}
