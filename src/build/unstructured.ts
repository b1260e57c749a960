// SPDX-License-Identifier: Apache-2.0
// Built objects as plain data (STYLE.md §7: applied manifests are `Unstructured`).

/** One Kubernetes object as parsed from YAML: `apiVersion`, `kind`, `metadata`, ... */
export type Unstructured = Record<string, unknown>;

/** Group, version and kind of an object (`group` is "" for the core API group). */
export interface Gvk {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

/** True for a plain (non-array, non-null) object. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The object's `metadata`, or an empty record. */
export function metadataOf(obj: Unstructured): Record<string, unknown> {
  return isRecord(obj.metadata) ? obj.metadata : {};
}

/** Splits `apiVersion` (`apps/v1`, `v1`) and reads `kind`. */
export function gvk(obj: Unstructured): Gvk {
  const apiVersion = str(obj.apiVersion);
  const slash = apiVersion.indexOf("/");
  return {
    group: slash < 0 ? "" : apiVersion.slice(0, slash),
    version: slash < 0 ? apiVersion : apiVersion.slice(slash + 1),
    kind: str(obj.kind),
  };
}

/** `metadata.name`, or "". */
export function nameOf(obj: Unstructured): string {
  return str(metadataOf(obj).name);
}

/** `metadata.namespace`, or "" (cluster-scoped objects and objects defaulted by the API server). */
export function namespaceOf(obj: Unstructured): string {
  return str(metadataOf(obj).namespace);
}

function stringMap(v: unknown): Record<string, string> {
  if (!isRecord(v)) return {};
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) if (typeof val === "string") out[k] = val;
  return out;
}

/** `metadata.labels` (string values only). */
export function labelsOf(obj: Unstructured): Record<string, string> {
  return stringMap(metadataOf(obj).labels);
}

/** `metadata.annotations` (string values only). */
export function annotationsOf(obj: Unstructured): Record<string, string> {
  return stringMap(metadataOf(obj).annotations);
}

/** A stable human id, `Kind/namespace/name` or `Kind/name` (as Flux prints objects in messages). */
export function describeObject(obj: Unstructured): string {
  const ns = namespaceOf(obj);
  return `${gvk(obj).kind}/${ns === "" ? "" : `${ns}/`}${nameOf(obj)}`;
}
