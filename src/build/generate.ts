// SPDX-License-Identifier: Apache-2.0
// Finding or generating the kustomization file of a directory, as fluxcd/pkg kustomize/kustomize_generator.go
// does (flux-compat.md §5.3): an existing file is used; otherwise every Kubernetes YAML file below the directory is
// listed, sub-directories that hold a kustomization become directory resources, and a YAML file that is not
// Kubernetes fails the build.
import { readFile, readdir, stat } from "node:fs/promises";
import { extname, join, relative, sep } from "node:path";
import { stringify } from "yaml";
import { BuildError } from "./errors.ts";
import { isRecord } from "./unstructured.ts";
import { parseDocuments } from "./yaml-codec.ts";

/** The file names kustomize recognises, in its order of preference. */
export const KUSTOMIZATION_FILE_NAMES = ["kustomization.yaml", "kustomization.yml", "Kustomization"] as const;

/** A kustomization file found in (`unchanged`) or generated for (`created`) a directory. */
export interface KustomizationFile {
  readonly path: string;
  readonly text: string;
  readonly action: "created" | "unchanged";
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

/** The kustomization file directly in `dir`, if any. */
export async function findKustomizationFile(dir: string): Promise<string | undefined> {
  for (const name of KUSTOMIZATION_FILE_NAMES) {
    const p = join(dir, name);
    if (await isFile(p)) return p;
  }
  return undefined;
}

/** kustomize's check on each document (kyaml GetValidatedMetadata): a kind, and a name unless it is a List. */
function validateManifest(text: string, where: string): void {
  for (const { value } of parseDocuments(text, where)) {
    if (!isRecord(value)) throw new Error("not a YAML mapping");
    const kind = value.kind;
    if (typeof kind !== "string" || kind === "") throw new Error("missing kind in object");
    const meta = value.metadata;
    const name = isRecord(meta) ? meta.name : undefined;
    if (!kind.endsWith("List") && (typeof name !== "string" || name === "")) {
      throw new Error("missing metadata.name in object");
    }
  }
}

/** Walks `dir` in lexical order, as Go's filepath.Walk, listing what a generated kustomization includes. */
async function scanManifests(base: string, dir: string, out: string[], signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted();
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  for (const e of entries) {
    const p = join(dir, e.name);
    // Go's Walk uses Lstat: a symlink to a directory is not descended into, as here.
    if (e.isDirectory()) {
      if ((await findKustomizationFile(p)) !== undefined) out.push(p);
      else await scanManifests(base, p, out, signal);
      continue;
    }
    const ext = extname(e.name);
    if (ext !== ".yaml" && ext !== ".yml") continue;
    const rel = relative(base, p);
    try {
      validateManifest(await readFile(p, "utf8"), rel);
    } catch (cause) {
      const why = cause instanceof Error ? cause.message : String(cause);
      throw new BuildError({
        code: "INVALID_YAML",
        message: `failed to decode Kubernetes YAML from ${rel}: ${why}`,
        cause,
      });
    }
    out.push(p);
  }
}

/**
 * The kustomization of `dir`: the existing file, or one generated from the Kubernetes YAML below it (with
 * `namespace: _placeholder` when there is none, to avoid kustomize's "kustomization.yaml is empty" error, as Flux).
 * Throws `INVALID_YAML` for a YAML file that is not Kubernetes (exclude such files from the source).
 */
export async function findOrGenerateKustomization(
  dir: string,
  signal?: AbortSignal,
): Promise<KustomizationFile> {
  const found = await findKustomizationFile(dir);
  if (found !== undefined) return { path: found, text: await readFile(found, "utf8"), action: "unchanged" };
  const files: string[] = [];
  await scanManifests(dir, dir, files, signal);
  const resources = files.map((f) => `./${relative(dir, f).split(sep).join("/")}`);
  const kustomization = {
    apiVersion: "kustomize.config.k8s.io/v1beta1",
    kind: "Kustomization",
    ...(resources.length === 0 ? { namespace: "_placeholder" } : { resources }),
  };
  return {
    path: join(dir, KUSTOMIZATION_FILE_NAMES[0]),
    text: stringify(kustomization, { indentSeq: false }),
    action: "created",
  };
}
