// SPDX-License-Identifier: Apache-2.0
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import {
  type FluxKustomization,
  type SubstituteSources,
  type Unstructured,
  buildKustomization,
  gvk,
  isRecord,
  nameOf,
  namespaceOf,
  parseDocuments,
  parseFluxKustomization,
} from "../../build/index.ts";
import { ConfigError } from "../../core/index.ts";
import { printJson, type CommandContext } from "../io.ts";

/** Flags of `ocisync build`. */
export interface BuildFlags {
  /** A file holding a Flux `kustomize.toolkit.fluxcd.io/v1` Kustomization whose spec is applied. */
  readonly file?: string;
  /** spec.path (inside PATH); overrides the Kustomization's. */
  readonly path?: string;
  /** The kustomize program (else `$OCISYNC_KUSTOMIZE`, else `kustomize` on PATH). */
  readonly kustomize?: string;
  /** Files of ConfigMaps/Secrets that `spec.postBuild.substituteFrom` reads (what the cluster would hold). */
  readonly substituteFrom?: readonly string[];
  /** Flux's StrictPostBuildSubstitutions; on unless `--no-strict-substitution`. */
  readonly strictSubstitution: boolean;
  /** `fifo` (Flux's resource order) or `legacy` (kubectl kustomize's kind order). */
  readonly sortOrder?: "fifo" | "legacy";
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (cause) {
    throw new ConfigError({ code: "INVALID_ARGUMENT", message: `${what}: cannot read ${path}`, cause });
  }
}

/** The one Flux Kustomization in the `-f` file (other kinds, e.g. an OCIRepository next to it, are skipped). */
async function readKustomization(path: string): Promise<FluxKustomization> {
  const docs = parseDocuments(await readText(path, "-f"), path).filter(
    (d) =>
      isRecord(d.value) &&
      d.value.kind === "Kustomization" &&
      gvk(d.value).group === "kustomize.toolkit.fluxcd.io",
  );
  if (docs.length !== 1) {
    throw new ConfigError({
      code: "INVALID_ARGUMENT",
      message: `-f: ${path} must hold exactly one kustomize.toolkit.fluxcd.io Kustomization, found ${docs.length}`,
    });
  }
  return parseFluxKustomization(docs[0]?.value);
}

/**
 * ConfigMap `data`, Secret `data` (base64-decoded) and `stringData`, keyed `Kind/name` as substituteFrom refers.
 * Flux reads them from the Kustomization's namespace, so objects that name another namespace are skipped.
 */
async function readSources(
  paths: readonly string[],
  namespace: string | undefined,
): Promise<SubstituteSources> {
  const out: Record<string, Record<string, string>> = {};
  for (const path of paths) {
    for (const { value } of parseDocuments(await readText(path, "--substitute-from"), path)) {
      if (!isRecord(value) || (value.kind !== "ConfigMap" && value.kind !== "Secret")) continue;
      const ns = namespaceOf(value);
      if (namespace !== undefined && ns !== "" && ns !== namespace) continue;
      const data = isRecord(value.data) ? value.data : {};
      const decode = (v: unknown) =>
        value.kind === "Secret" ? Buffer.from(String(v), "base64").toString("utf8") : String(v);
      const entries = Object.entries(data).map(([k, v]) => [k, decode(v)]);
      const stringData = isRecord(value.stringData)
        ? Object.entries(value.stringData).map(([k, v]) => [k, String(v)])
        : [];
      out[`${value.kind}/${nameOf(value)}`] = Object.fromEntries([...entries, ...stringData]) as Record<
        string,
        string
      >;
    }
  }
  return out;
}

/** The environment a kustomize child gets: PATH and HOME only. */
export function childEnv(ctx: CommandContext): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of ["PATH", "HOME"]) {
    const v = ctx.io.env[k];
    if (v !== undefined) env[k] = v;
  }
  return env;
}

/**
 * `ocisync build PATH [-f KUSTOMIZATION.yaml]`: builds PATH as kustomize-controller would. PATH is the artifact
 * root; the Kustomization's `spec.path` is relative to it (Flux). Text: multi-document YAML; JSON: an array of objects.
 */
export async function runBuild(path: string, flags: BuildFlags, ctx: CommandContext): Promise<number> {
  const ks = flags.file === undefined ? undefined : await readKustomization(resolve(ctx.io.cwd, flags.file));
  const sources = await readSources(
    (flags.substituteFrom ?? []).map((p) => resolve(ctx.io.cwd, p)),
    ks?.metadata.namespace,
  );
  const result = await buildKustomization({
    root: resolve(ctx.io.cwd, path),
    spec: { ...ks?.spec, ...(flags.path === undefined ? {} : { path: flags.path }) },
    substituteSources: sources,
    strictSubstitution: flags.strictSubstitution,
    sortOrder: flags.sortOrder ?? "fifo",
    kustomizePath: flags.kustomize ?? ctx.io.env.OCISYNC_KUSTOMIZE ?? "kustomize",
    env: childEnv(ctx),
    ...(ctx.flags.timeoutMs === undefined ? {} : { timeoutMs: ctx.flags.timeoutMs }),
    signal: ctx.signal,
  });
  if (ctx.flags.output === "json") printJson(ctx.io, result.objects satisfies Unstructured[]);
  else ctx.io.stdout.write(result.yaml);
  return 0;
}
