// SPDX-License-Identifier: Apache-2.0
// The real `kustomize` program as a child process (DESIGN.md §4): `kustomize build --load-restrictor
// LoadRestrictionsNone DIR`, as Flux builds (files outside a kustomization's own directory but inside the artifact
// may be loaded; confine.ts has already checked that every local path stays inside the working copy), plugins off
// (its default). Output is capped, the run has a timeout and honours an AbortSignal,
// and a failure carries kustomize's own stderr.
import { spawn } from "node:child_process";
import { BuildError } from "./errors.ts";

/** How to run kustomize. */
export interface KustomizeRunOptions {
  /** Path of the kustomize program, or a name looked up on the child's PATH (default `kustomize`). */
  readonly kustomizePath?: string;
  /** The child's whole environment (nothing is inherited); e.g. PATH and HOME for remote git bases. */
  readonly env?: Readonly<Record<string, string>>;
  /** Kill kustomize after this long (default 2 minutes). */
  readonly timeoutMs?: number;
  /** Largest output accepted (default 64 MiB). */
  readonly maxOutputBytes?: number;
  readonly signal?: AbortSignal;
}

/** Defaults of {@link KustomizeRunOptions}. */
export const KUSTOMIZE_DEFAULTS = Object.freeze({
  kustomizePath: "kustomize",
  timeoutMs: 120_000,
  maxOutputBytes: 64 * 1024 * 1024,
});

const MAX_STDERR_BYTES = 64 * 1024;

/** kustomize's stderr, trimmed, with the temp dir replaced by a readable name. */
function cleanStderr(stderr: string, workDir: string, shownAs: string): string {
  return stderr.trim().replaceAll(workDir, shownAs);
}

/**
 * Runs `kustomize build dir` with `cwd = workDir` and returns its stdout. `shownAs` replaces `workDir` in error
 * messages (users know their source path, not the temp copy). Throws `KUSTOMIZE_NOT_FOUND`,
 * `KUSTOMIZE_FAILED`, `KUSTOMIZE_TIMEOUT`, `OUTPUT_TOO_LARGE`, or the signal's reason when aborted.
 */
export function runKustomize(
  dir: string,
  workDir: string,
  shownAs: string,
  opts: KustomizeRunOptions = {},
): Promise<string> {
  const program = opts.kustomizePath ?? KUSTOMIZE_DEFAULTS.kustomizePath;
  const timeoutMs = opts.timeoutMs ?? KUSTOMIZE_DEFAULTS.timeoutMs;
  const maxOut = opts.maxOutputBytes ?? KUSTOMIZE_DEFAULTS.maxOutputBytes;
  opts.signal?.throwIfAborted();
  return new Promise((resolve, reject) => {
    const child = spawn(program, ["build", "--load-restrictor", "LoadRestrictionsNone", dir], {
      cwd: workDir,
      env: { ...opts.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let failure: Error | undefined;
    const stop = (why: unknown) => {
      failure ??= why instanceof Error ? why : new Error(String(why));
      child.kill("SIGKILL");
    };
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
    const onAbort = () => {
      stop(
        opts.signal?.aborted === true
          ? opts.signal.reason
          : new BuildError({
              code: "KUSTOMIZE_TIMEOUT",
              message: `kustomize build did not finish within ${timeoutMs} ms`,
            }),
      );
    };
    signal.addEventListener("abort", onAbort, { once: true });
    child.stdout.on("data", (b: Buffer) => {
      outBytes += b.length;
      if (outBytes > maxOut)
        stop(
          new BuildError({ code: "OUTPUT_TOO_LARGE", message: `kustomize output exceeds ${maxOut} bytes` }),
        );
      else out.push(b);
    });
    child.stderr.on("data", (b: Buffer) => {
      if (errBytes < MAX_STDERR_BYTES) err.push(b.subarray(0, MAX_STDERR_BYTES - errBytes));
      errBytes += b.length;
    });
    const finish = () => {
      signal.removeEventListener("abort", onAbort);
    };
    child.on("error", (e: NodeJS.ErrnoException) => {
      finish();
      const notFound = e.code === "ENOENT" || e.code === "EACCES";
      reject(
        notFound
          ? new BuildError({
              code: "KUSTOMIZE_NOT_FOUND",
              message: `cannot run kustomize '${program}': ${e.code}`,
              cause: e,
            })
          : new BuildError({
              code: "KUSTOMIZE_FAILED",
              message: `cannot run kustomize '${program}': ${e.message}`,
              cause: e,
            }),
      );
    });
    child.on("close", (code) => {
      finish();
      if (failure !== undefined) {
        reject(failure);
        return;
      }
      if (code !== 0) {
        const stderr = cleanStderr(Buffer.concat(err).toString("utf8"), workDir, shownAs);
        reject(
          new BuildError({
            code: "KUSTOMIZE_FAILED",
            message: `kustomize build failed: ${stderr || `exit code ${String(code)}`}`,
          }),
        );
        return;
      }
      resolve(Buffer.concat(out).toString("utf8"));
    });
  });
}
