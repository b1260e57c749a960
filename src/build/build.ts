// SPDX-License-Identifier: Apache-2.0
// A Flux Kustomization build end to end (kustomize-controller `build`, flux-compat.md §5.2 step 8):
// confined copy → find/generate kustomization.yaml → overlay the spec → kustomize build → validate objects →
// post-build substitution → commonMetadata.
import { rm, writeFile } from "node:fs/promises";
import { relative, sep } from "node:path";
import { BuildError } from "./errors.ts";
import { checkConfinement } from "./confine.ts";
import { findOrGenerateKustomization } from "./generate.ts";
import type { CommonMetadata, KustomizationBuildSpec } from "./kustomization-spec.ts";
import { type KustomizeRunOptions, runKustomize } from "./kustomize-runner.ts";
import { overlaySpec, pinFifoOrder } from "./overlay.ts";
import { type SubstituteSources, loadVariables, substituteObject } from "./substitute.ts";
import { type Unstructured, isRecord, metadataOf } from "./unstructured.ts";
import { type CopyLimits, copyToWorkDir, joinWithinRoot } from "./workdir.ts";
import { type SourceDocument, parseDocuments, toKustomizeYaml } from "./yaml-codec.ts";

/** Inputs of {@link buildKustomization}. */
export interface BuildOptions extends KustomizeRunOptions {
  /** The source root (an extracted artifact, or a local directory); never modified. */
  readonly root: string;
  /** The Kustomization spec; `spec.path` is relative to `root` (Flux: to the artifact root). */
  readonly spec?: KustomizationBuildSpec;
  /** Data of the ConfigMaps/Secrets that `spec.postBuild.substituteFrom` names (`src/build` does no Kubernetes I/O). */
  readonly substituteSources?: SubstituteSources;
  /** Flux's `StrictPostBuildSubstitutions` (default true, as kustomize-controller v1.9+). */
  readonly strictSubstitution?: boolean;
  /** Caps on the copied source tree. */
  readonly copyLimits?: CopyLimits;
  /** Where the working copy is made (default: the OS temp dir). */
  readonly tempDir?: string;
  /**
   * Order of the output: `fifo` (default) keeps kustomize's resource order, as Flux does; `legacy` is the
   * kustomize CLI's default kind ordering (Namespaces first, ...), as `kubectl kustomize` prints.
   */
  readonly sortOrder?: "fifo" | "legacy";
}

/** What a build produced. */
export interface BuildResult {
  /** The objects, in kustomize's output order. */
  readonly objects: Unstructured[];
  /** The same objects as multi-document YAML: kustomize's own text where nothing changed them afterwards. */
  readonly yaml: string;
  /** Whether the kustomization file was found (`unchanged`) or generated (`created`), and its final text. */
  readonly kustomization: { readonly action: "created" | "unchanged"; readonly text: string };
}

/**
 * Flux's per-object check after kustomize (kustomization_controller.go `build`). Flux prints the whole object;
 * ocisync leaves out `data`/`stringData` (Secret values must not reach messages) and stops at 1,000 characters.
 */
function validateObject(obj: Unstructured): void {
  const meta = metadataOf(obj);
  const ok = [obj.apiVersion, obj.kind, meta.name].every((v) => typeof v === "string" && v !== "");
  if (!ok) {
    const shown = Object.fromEntries(Object.entries(obj).filter(([k]) => k !== "data" && k !== "stringData"));
    throw new BuildError({
      code: "INVALID_RESOURCE",
      message: `failed to decode Kubernetes apiVersion, kind and name from: ${toKustomizeYaml(shown).trim().slice(0, 1000)}`,
    });
  }
}

/** ssautil.SetCommonMetadata: labels and annotations set on every object, overriding existing keys. */
export function setCommonMetadata(obj: Unstructured, common: CommonMetadata): Unstructured {
  const meta = { ...metadataOf(obj) };
  for (const key of ["labels", "annotations"] as const) {
    const add = common[key] ?? {};
    const merged = { ...(isRecord(meta[key]) ? meta[key] : {}), ...add };
    if (Object.keys(merged).length > 0) meta[key] = merged;
  }
  return { ...obj, metadata: meta };
}

function postProcess(
  docs: SourceDocument[],
  opts: BuildOptions,
): { objects: Unstructured[]; texts: string[] } {
  const spec = opts.spec ?? {};
  const postBuild = spec.postBuild;
  const vars = postBuild ? loadVariables(postBuild, opts.substituteSources) : {};
  const objects: Unstructured[] = [];
  const texts: string[] = [];
  for (const d of docs) {
    if (!isRecord(d.value))
      throw new BuildError({
        code: "INVALID_YAML",
        message: "kustomize printed a document that is not an object",
      });
    let obj: Unstructured = d.value;
    validateObject(obj);
    let changed = false;
    if (postBuild) {
      const always = postBuild.substituteStrategy === "Always";
      const out = substituteObject(obj, d.text, vars, { strict: opts.strictSubstitution ?? true, always });
      if (out !== undefined) [obj, changed] = [out, true];
    }
    if (spec.commonMetadata) [obj, changed] = [setCommonMetadata(obj, spec.commonMetadata), true];
    objects.push(obj);
    texts.push(changed ? toKustomizeYaml(obj) : d.text);
  }
  return { objects, texts };
}

function joinDocuments(texts: string[]): string {
  return texts.map((t) => (t.endsWith("\n") ? t : `${t}\n`)).join("---\n");
}

/**
 * Builds a directory the way kustomize-controller builds a Kustomization, with the real kustomize program.
 * Throws {@link BuildError} (see its codes) or the signal's reason; never leaves its working copy behind.
 * See https://fluxcd.io/flux/components/kustomize/kustomizations/
 */
export async function buildKustomization(opts: BuildOptions): Promise<BuildResult> {
  const spec = opts.spec ?? {};
  const work = await copyToWorkDir(opts.root, {
    ...(opts.copyLimits ? { limits: opts.copyLimits } : {}),
    ...(opts.tempDir !== undefined ? { tempDir: opts.tempDir } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  try {
    const dir = joinWithinRoot(work.root, spec.path ?? "");
    const found = await findOrGenerateKustomization(dir, opts.signal).catch((err: unknown) => {
      if (err instanceof BuildError || opts.signal?.aborted === true) throw err;
      throw new BuildError({
        code: "PATH_NOT_FOUND",
        message: `kustomization path not found: ${spec.path ?? "."}`,
        cause: err,
      });
    });
    const overlaid = overlaySpec(found.text, found.action, spec, dir);
    const text = (opts.sortOrder ?? "fifo") === "fifo" ? pinFifoOrder(overlaid) : overlaid;
    if (text !== found.text || found.action === "created") {
      // The copy keeps the source's file modes; a read-only kustomization.yaml is replaced, not written over.
      await rm(found.path, { force: true });
      await writeFile(found.path, text);
    }
    await checkConfinement(work.root, dir, opts.signal);
    const rel = relative(work.root, dir).split(sep).join("/") || ".";
    const stdout = await runKustomize(rel, work.root, opts.root, opts);
    const { objects, texts } = postProcess(parseDocuments(stdout, "kustomize output"), opts);
    return { objects, yaml: joinDocuments(texts), kustomization: { action: found.action, text } };
  } finally {
    await work.dispose();
  }
}
