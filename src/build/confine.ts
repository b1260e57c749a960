// SPDX-License-Identifier: Apache-2.0
// Keeps kustomize inside the working copy. Flux runs kustomize on a file system rooted at the artifact, so no
// kustomization can read outside it; the kustomize program has no such option (its load restrictor only limits
// files, not `resources: [../../elsewhere]` directories), so every local path in every kustomization file of the
// copy that the build reaches is checked before kustomize runs. Remote references (git, http) are left to kustomize, as in Flux.
import { readFile, realpath, stat } from "node:fs/promises";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import { parse } from "yaml";
import { BuildError } from "./errors.ts";
import { findKustomizationFile } from "./generate.ts";
import { isLocalRelativePath } from "./overlay.ts";
import { isRecord } from "./unstructured.ts";
import { isWithin } from "./workdir.ts";

const PATH_LISTS = [
  "resources",
  "bases",
  "components",
  "crds",
  "configurations",
  "transformers",
  "generators",
  "validators",
  "patchesStrategicMerge",
];
const PATH_OBJECT_LISTS = ["patches", "patchesJson6902", "replacements"];
const GENERATORS = ["configMapGenerator", "secretGenerator", "helmChartInflationGenerator"];

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/** Local paths a kustomization refers to (inline YAML entries, which hold newlines, are not paths). */
export function referencedPaths(k: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const key of PATH_LISTS) out.push(...strings(k[key]));
  for (const key of PATH_OBJECT_LISTS) {
    for (const item of Array.isArray(k[key]) ? (k[key] as unknown[]) : []) {
      if (isRecord(item) && typeof item.path === "string") out.push(item.path);
    }
  }
  for (const key of GENERATORS) {
    for (const g of Array.isArray(k[key]) ? (k[key] as unknown[]) : []) {
      if (!isRecord(g)) continue;
      out.push(...strings(g.files).map((f) => f.slice(f.indexOf("=") + 1)), ...strings(g.envs));
      if (typeof g.env === "string") out.push(g.env);
    }
  }
  if (isRecord(k.openapi) && typeof k.openapi.path === "string") out.push(k.openapi.path);
  return out.filter((p) => p !== "" && !p.includes("\n"));
}

/** Checks one reference; returns the directory it names when it is a local directory (to be visited next). */
async function checkPath(root: string, kfile: string, p: string): Promise<string | undefined> {
  const escape = () =>
    new BuildError({
      code: "PATH_ESCAPES_ROOT",
      message: `${relative(root, kfile)}: '${p}' is outside the source root`,
    });
  if (!isLocalRelativePath(p)) {
    if (isAbsolute(p) || p.toLowerCase().startsWith("file://")) throw escape();
    return undefined; // remote base: fetched by kustomize, as Flux allows by default
  }
  const target = resolve(dirname(kfile), p);
  if (!isWithin(root, target)) throw escape();
  const real = await realpath(target).catch(() => undefined);
  if (real === undefined) return undefined; // kustomize reports the missing path itself
  if (!isWithin(root, real)) throw escape();
  return (await stat(real)).isDirectory() ? real : undefined;
}

/**
 * Throws `PATH_ESCAPES_ROOT` if the kustomization in `dir`, or any kustomization it reaches through directory
 * references (bases, components, ...), refers to a local path outside `root`. Kustomizations the build does not
 * reach are not looked at, as they are not built.
 */
export async function checkConfinement(root: string, dir: string, signal?: AbortSignal): Promise<void> {
  const seen = new Set<string>();
  const queue = [dir];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    signal?.throwIfAborted();
    if (seen.has(next)) continue;
    seen.add(next);
    const kfile = await findKustomizationFile(next);
    if (kfile === undefined) continue;
    let k: unknown;
    try {
      k = parse(await readFile(kfile, "utf8"));
    } catch {
      continue; // kustomize reports malformed files itself, with a better message
    }
    if (!isRecord(k)) continue;
    for (const p of referencedPaths(k)) {
      const sub = await checkPath(root, kfile, p);
      if (sub !== undefined) queue.push(sub);
    }
  }
}
