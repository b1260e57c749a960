// SPDX-License-Identifier: Apache-2.0
// Flux's post-build variable substitution around the template engine (fluxcd/pkg kustomize/kustomize_varsub.go,
// flux-compat.md §5.4). Pure: ConfigMap/Secret data comes in as plain maps; the caller fetches them.
import { BuildError } from "./errors.ts";
import { expandTemplate, isTemplateError, lookupIn } from "./envsubst.ts";
import type { PostBuild, SubstituteReference } from "./kustomization-spec.ts";
import { type Unstructured, annotationsOf, gvk, isRecord, labelsOf, nameOf } from "./unstructured.ts";
import { parseDocuments } from "./yaml-codec.ts";

/** The label or annotation that opts one object out of substitution (value `disabled`). */
export const SUBSTITUTE_ANNOTATION = "kustomize.toolkit.fluxcd.io/substitute";
const VAR_NAME = /^[_A-Za-z][_A-Za-z0-9]*$/;
const VAR_NAME_RE2 = "^[_[:alpha:]][_[:alpha:][:digit:]]*$";

/**
 * Data of the objects `substituteFrom` names, keyed `Kind/name` (e.g. `ConfigMap/cluster-vars`). ConfigMap
 * `data` as is; Secret `data` base64-decoded. A missing key means the object does not exist.
 */
export type SubstituteSources = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** How substitution runs: Flux's strict mode (default on since kustomize-controller v1.9) and the strategy. */
export interface SubstituteOptions {
  readonly strict: boolean;
  readonly always: boolean;
}

function sourceKey(ref: SubstituteReference): string {
  return `${ref.kind}/${ref.name}`;
}

/**
 * The variables of `postBuild`: `substituteFrom` in order (a later entry wins; a missing optional one is skipped),
 * then inline `substitute` over them. Every value loses its `\n`s, as in Flux. Throws `SUBSTITUTION_FAILED` for a
 * missing non-optional source.
 */
export function loadVariables(postBuild: PostBuild, sources: SubstituteSources = {}): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const ref of postBuild.substituteFrom ?? []) {
    const data = sources[sourceKey(ref)];
    if (data === undefined) {
      if (ref.optional === true) continue;
      throw new BuildError({
        code: "SUBSTITUTION_FAILED",
        message: `substitute from '${sourceKey(ref)}' error: not found`,
      });
    }
    for (const [k, v] of Object.entries(data)) vars[k] = v.replaceAll("\n", "");
  }
  for (const [k, v] of Object.entries(postBuild.substitute ?? {})) vars[k] = v.replaceAll("\n", "");
  return vars;
}

/** True when the object opts out with the label or annotation `kustomize.toolkit.fluxcd.io/substitute: disabled`. */
export function isSubstitutionDisabled(obj: Unstructured): boolean {
  return (
    labelsOf(obj)[SUBSTITUTE_ANNOTATION] === "disabled" ||
    annotationsOf(obj)[SUBSTITUTE_ANNOTATION] === "disabled"
  );
}

/** kustomize's resid text for messages, e.g. `apps_v1_Deployment` or `~G_v1_ConfigMap`. */
export function residOf(obj: Unstructured): string {
  const g = gvk(obj);
  return `${g.group === "" ? "~G" : g.group}_${g.version === "" ? "~V" : g.version}_${g.kind === "" ? "~K" : g.kind}`;
}

function failure(obj: Unstructured, detail: string, cause?: unknown): BuildError {
  return new BuildError({
    code: "SUBSTITUTION_FAILED",
    message: `post build failed for '${residOf(obj)}/${nameOf(obj)}': ${detail}`,
    cause,
  });
}

/**
 * Substitutes one built object. `text` is the object's YAML as kustomize printed it (Flux substitutes that text,
 * not the source file, so quotes the source had may be gone), and the result is parsed again: an unquoted
 * `8080` becomes a number, an empty value `null`. Returns `undefined` when nothing ran (opted out, or no
 * variables and strategy `WithVariables`). Throws `SUBSTITUTION_FAILED`.
 */
export function substituteObject(
  obj: Unstructured,
  text: string,
  vars: Readonly<Record<string, string>>,
  opts: SubstituteOptions,
): Unstructured | undefined {
  if (isSubstitutionDisabled(obj)) return undefined;
  if (Object.keys(vars).length === 0 && !opts.always) return undefined;
  for (const name of Object.keys(vars)) {
    if (!VAR_NAME.test(name)) {
      throw failure(obj, `envsubst error: '${name}' var name is invalid, must match '${VAR_NAME_RE2}'`);
    }
  }
  let out: string;
  try {
    out = expandTemplate(text, lookupIn(vars, opts.strict));
  } catch (err) {
    if (!isTemplateError(err)) throw err;
    throw failure(obj, `envsubst error: variable substitution failed: ${err.message}`, err);
  }
  let docs;
  try {
    docs = parseDocuments(out, "substituted YAML");
  } catch (err) {
    throw failure(obj, err instanceof Error ? err.message : String(err), err);
  }
  const value = docs[0]?.value;
  if (!isRecord(value)) throw failure(obj, "the substituted YAML is not an object");
  return value;
}
