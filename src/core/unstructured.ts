// SPDX-License-Identifier: Apache-2.0
import { isRecord } from "./validate.ts";

/** A Kubernetes object as plain data (STYLE.md §7: applied manifests are `Unstructured`). */
export type Unstructured = Record<string, unknown>;

/** Group, version and kind of an object; the core group is `""`. */
export interface Gvk {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

/** Identity of an object: what inventories and change sets name it by. */
export interface ObjectRef extends Gvk {
  readonly namespace: string;
  readonly name: string;
}

/** The value at a path of nested objects, or undefined. */
export function getPath(obj: unknown, ...path: readonly string[]): unknown {
  let cur: unknown = obj;
  for (const key of path) {
    if (!isRecord(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/** A string at a path, or the default when absent or not a string (kstatus `GetStringField`). */
export function stringAt(obj: unknown, path: readonly string[], fallback = ""): string {
  const v = getPath(obj, ...path);
  return typeof v === "string" ? v : fallback;
}

/** Splits `apiVersion` into group and version (`v1` → core group). */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf("/");
  return i < 0
    ? { group: "", version: apiVersion }
    : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/** `group/version`, or `version` for the core group. */
export function formatApiVersion(gvk: { group: string; version: string }): string {
  return gvk.group === "" ? gvk.version : `${gvk.group}/${gvk.version}`;
}

/** Group, version and kind of an object (empty strings when absent). */
export function gvkOf(obj: Unstructured): Gvk {
  const { group, version } = parseApiVersion(stringAt(obj, ["apiVersion"]));
  return { group, version, kind: stringAt(obj, ["kind"]) };
}

/** `metadata`, or an empty record. */
export function metadataOf(obj: Unstructured): Record<string, unknown> {
  return isRecord(obj.metadata) ? obj.metadata : {};
}

/** `metadata.name`, or "". */
export function nameOf(obj: Unstructured): string {
  return stringAt(obj, ["metadata", "name"]);
}

/** `metadata.namespace`, or "" (cluster-scoped objects, or not yet defaulted). */
export function namespaceOf(obj: Unstructured): string {
  return stringAt(obj, ["metadata", "namespace"]);
}

/** The identity of an object. */
export function refOf(obj: Unstructured): ObjectRef {
  return { ...gvkOf(obj), namespace: namespaceOf(obj), name: nameOf(obj) };
}

/** `metadata.labels` or `metadata.annotations`; values that are not strings are dropped. */
export function stringMapOf(obj: Unstructured, field: "labels" | "annotations"): Record<string, string> {
  const m = getPath(obj, "metadata", field);
  const out: Record<string, string> = {};
  if (!isRecord(m)) return out;
  for (const [k, v] of Object.entries(m)) if (typeof v === "string") out[k] = v;
  return out;
}

/**
 * `Kind/namespace/name`, or `Kind/name` for cluster-scoped objects: how Flux names objects in change sets and
 * messages (`fluxcd/pkg:ssa/utils.FmtUnstructured`).
 */
export function subjectOf(ref: { kind: string; namespace: string; name: string }): string {
  return ref.namespace === "" ? `${ref.kind}/${ref.name}` : `${ref.kind}/${ref.namespace}/${ref.name}`;
}
