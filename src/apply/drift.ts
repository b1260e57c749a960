// SPDX-License-Identifier: Apache-2.0
// Drift detection (`fluxcd/pkg:ssa` hasDrifted): a server-side dry-run result compared with the live object.
import { getPath, isRecord, type Unstructured } from "./object.ts";

/** Structural equality of JSON values (object key order does not matter). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  }
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

// Metadata that a change in the manifest can move; the rest (resourceVersion, managedFields, …) is the server's.
const COMPARED_METADATA = ["labels", "annotations", "finalizers", "ownerReferences"] as const;

function emptyAsUndefined(v: unknown): unknown {
  if (Array.isArray(v) && v.length === 0) return undefined;
  if (isRecord(v) && Object.keys(v).length === 0) return undefined;
  return v;
}

/**
 * True when applying would change the live object: the dry-run result differs from it in labels,
 * annotations, finalizers, owner references or anything outside `metadata` and `status`.
 */
export function hasDrifted(live: Unstructured, dryRun: Unstructured): boolean {
  for (const key of COMPARED_METADATA) {
    const a = emptyAsUndefined(getPath(live, "metadata", key));
    const b = emptyAsUndefined(getPath(dryRun, "metadata", key));
    if (!jsonEqual(a, b)) return true;
  }
  const keys = new Set([...Object.keys(live), ...Object.keys(dryRun)]);
  for (const key of keys) {
    if (key === "metadata" || key === "status") continue;
    if (!jsonEqual(live[key], dryRun[key])) return true;
  }
  return false;
}
