// SPDX-License-Identifier: Apache-2.0
// Secret values never reach a diff (after kubectl diff's masker): equal values print as `***`, changed
// ones as `*** (before)` and `*** (after)`.
import { cloneJson, gvkOf, isRecord, type Unstructured } from "./object.ts";

function isSecret(obj: Unstructured | undefined): boolean {
  if (obj === undefined) return false;
  const { group, kind } = gvkOf(obj);
  return group === "" && kind === "Secret";
}

/** Copies of both sides with every Secret `data`/`stringData` value masked. */
export function maskSecrets(
  before: Unstructured | undefined,
  after: Unstructured | undefined,
): { before: Unstructured | undefined; after: Unstructured | undefined } {
  if (!isSecret(before) && !isSecret(after)) return { before, after };
  const b = before === undefined ? undefined : cloneJson(before);
  const a = after === undefined ? undefined : cloneJson(after);
  for (const field of ["data", "stringData"]) {
    const bm = b !== undefined && isRecord(b[field]) ? b[field] : undefined;
    const am = a !== undefined && isRecord(a[field]) ? a[field] : undefined;
    const keys = new Set([...Object.keys(bm ?? {}), ...Object.keys(am ?? {})]);
    for (const k of keys) {
      const same = bm !== undefined && am !== undefined && bm[k] === am[k];
      if (bm !== undefined && k in bm) bm[k] = same ? "***" : "*** (before)";
      if (am !== undefined && k in am) am[k] = same ? "***" : "*** (after)";
    }
  }
  return { before: b, after: a };
}
