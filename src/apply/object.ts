// SPDX-License-Identifier: Apache-2.0
import { ApplyError } from "./errors.ts";

/** A Kubernetes object as parsed from a manifest or read from the API server. */
export type Unstructured = Record<string, unknown>;

/** Group, version and kind of an object; the core group is `""`. */
export interface Gvk {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

/** Identity of an object: what the inventory and the change set name it by. */
export interface ObjectRef extends Gvk {
  readonly namespace: string;
  readonly name: string;
}

/** True for a plain JSON object (not an array, not null). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
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

/** An integer at a path, or the default when absent or not an integer (kstatus `GetIntField`). */
export function intAt(obj: unknown, path: readonly string[], fallback: number): number {
  const v = getPath(obj, ...path);
  return typeof v === "number" && Number.isInteger(v) ? v : fallback;
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

/** `metadata.name`. */
export function nameOf(obj: Unstructured): string {
  return stringAt(obj, ["metadata", "name"]);
}

/** `metadata.namespace` (empty for cluster-scoped objects). */
export function namespaceOf(obj: Unstructured): string {
  return stringAt(obj, ["metadata", "namespace"]);
}

/** The identity of an object. */
export function refOf(obj: Unstructured): ObjectRef {
  return { ...gvkOf(obj), namespace: namespaceOf(obj), name: nameOf(obj) };
}

/** A string map under `metadata` (labels or annotations); values that are not strings are dropped. */
export function stringMap(obj: Unstructured, field: "labels" | "annotations"): Record<string, string> {
  const m = getPath(obj, "metadata", field);
  const out: Record<string, string> = {};
  if (!isRecord(m)) return out;
  for (const [k, v] of Object.entries(m)) if (typeof v === "string") out[k] = v;
  return out;
}

/**
 * The change-set subject, `Kind/namespace/name` or `Kind/name` for cluster-scoped objects
 * (`fluxcd/pkg:ssa/utils.FmtUnstructured`).
 */
export function subjectOf(ref: { kind: string; namespace: string; name: string }): string {
  return ref.namespace === "" ? `${ref.kind}/${ref.name}` : `${ref.kind}/${ref.namespace}/${ref.name}`;
}

/** A key that is unique per object identity (group, kind, namespace, name; the version does not count). */
export function keyOf(ref: { group: string; kind: string; namespace: string; name: string }): string {
  return `${ref.group}|${ref.kind}|${ref.namespace}|${ref.name}`;
}

/** A deep copy of a JSON value. */
export function cloneJson<T>(v: T): T {
  return structuredClone(v);
}

/** Checks that a parsed document is a Kubernetes object; returns it typed. */
export function assertObject(doc: unknown, where: string): Unstructured {
  if (!isRecord(doc)) {
    throw new ApplyError({
      code: "INVALID_OBJECT",
      message: `${where}: not a Kubernetes object (a mapping is needed)`,
    });
  }
  for (const [path, label] of [
    [["apiVersion"], "apiVersion"],
    [["kind"], "kind"],
    [["metadata", "name"], "metadata.name"],
  ] as const) {
    const v = getPath(doc, ...path);
    if (typeof v !== "string" || v === "") {
      throw new ApplyError({ code: "INVALID_OBJECT", message: `${where}: ${label} is missing` });
    }
  }
  return doc;
}
