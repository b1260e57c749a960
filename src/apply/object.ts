// SPDX-License-Identifier: Apache-2.0
import { getPath, isRecord, stringMapOf, type Unstructured } from "../core/index.ts";
import { ApplyError } from "./errors.ts";

export {
  formatApiVersion,
  getPath,
  gvkOf,
  isRecord,
  nameOf,
  namespaceOf,
  parseApiVersion,
  refOf,
  stringAt,
  subjectOf,
} from "../core/index.ts";
export type { Gvk, ObjectRef, Unstructured } from "../core/index.ts";

/** An integer at a path, or the default when absent or not an integer (kstatus `GetIntField`). */
export function intAt(obj: unknown, path: readonly string[], fallback: number): number {
  const v = getPath(obj, ...path);
  return typeof v === "number" && Number.isInteger(v) ? v : fallback;
}

/** A string map under `metadata` (labels or annotations); values that are not strings are dropped. */
export const stringMap = stringMapOf;

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
