// SPDX-License-Identifier: Apache-2.0
// Keeps kustomize inside the working copy. Flux runs kustomize on a file system rooted at the artifact, so no
// kustomization can read outside it; the kustomize program has no such option (its load restrictor only limits
// files, not `resources: [../../elsewhere]` directories), so every local path in every kustomization file of the
// copy is checked before the build. Remote references (git, http) are left to kustomize, as in Flux.
import { readFile, readdir, realpath } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { parse } from "yaml";
import { BuildError } from "./errors.ts";
import { KUSTOMIZATION_FILE_NAMES } from "./generate.ts";
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

async function checkPath(root: string, kfile: string, p: string): Promise<void> {
  const escape = () =>
    new BuildError({
      code: "PATH_ESCAPES_ROOT",
      message: `${relative(root, kfile)}: '${p}' is outside the source root`,
    });
  if (!isLocalRelativePath(p)) {
    if (isAbsolute(p) || p.toLowerCase().startsWith("file://")) throw escape();
    return; // remote base: fetched by kustomize, as Flux allows by default
  }
  const target = resolve(dirname(kfile), p);
  if (!isWithin(root, target)) throw escape();
  const real = await realpath(target).catch(() => undefined);
  if (real !== undefined && !isWithin(root, real)) throw escape();
}

async function* kustomizationFiles(dir: string): AsyncGenerator<string> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* kustomizationFiles(p);
    else if (e.isFile() && (KUSTOMIZATION_FILE_NAMES as readonly string[]).includes(e.name)) yield p;
  }
}

/** Throws `PATH_ESCAPES_ROOT` if any kustomization file under `root` refers to a local path outside it. */
export async function checkConfinement(root: string, signal?: AbortSignal): Promise<void> {
  for await (const kfile of kustomizationFiles(root)) {
    signal?.throwIfAborted();
    let k: unknown;
    try {
      k = parse(await readFile(kfile, "utf8"));
    } catch {
      continue; // kustomize reports malformed files itself, with a better message
    }
    if (!isRecord(k)) continue;
    for (const p of referencedPaths(k)) await checkPath(root, kfile, p);
  }
}
