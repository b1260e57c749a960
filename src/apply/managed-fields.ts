// SPDX-License-Identifier: Apache-2.0
// Taking fields over from imperative managers (`fluxcd/pkg:ssa` PatchReplaceFieldsManagers and
// PatchRemoveAnnotations): without it, a field added with `kubectl edit` would survive every apply.
import type { JsonPatchOp } from "./kube/port.ts";
import { getPath, isRecord, type Unstructured } from "./object.ts";

/** A manager whose fields the apply manager takes over: name and operation (`Apply` or `Update`). */
export interface FieldManagerRef {
  readonly name: string;
  readonly operation: "Apply" | "Update";
}

/** Flux's list plus kubectl's client-side apply and edit managers (ocisync adds the last two). */
export function defaultTakeOverManagers(fieldManager: string): FieldManagerRef[] {
  return [
    { name: "kubectl", operation: "Apply" },
    { name: "kubectl", operation: "Update" },
    { name: "kubectl-client-side-apply", operation: "Update" },
    { name: "kubectl-edit", operation: "Update" },
    { name: "before-first-apply", operation: "Update" },
    { name: fieldManager, operation: "Update" },
  ];
}

/** Annotations and labels of earlier tools that apply removes (kubectl's last-applied, Flux v1 checksums). */
const STALE_ANNOTATIONS = [
  "kubectl.kubernetes.io/last-applied-configuration",
  "kustomize.toolkit.fluxcd.io/checksum",
  "fluxcd.io/sync-checksum",
];
const STALE_LABELS = ["fluxcd.io/sync-gc-mark"];

/** The union of two `fieldsV1` sets (both are tries of `f:`/`k:`/`v:`/`i:` keys). */
export function mergeFieldsV1(a: unknown, b: unknown): unknown {
  if (!isRecord(a)) return b;
  if (!isRecord(b)) return a;
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = k in out ? mergeFieldsV1(out[k], v) : v;
  return out;
}

function escapePointer(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

/**
 * JSON patch operations that hand the fields of `managers` over to `fieldManager` (as one Apply entry) and
 * drop stale annotations/labels; empty when there is nothing to do.
 */
export function takeOverPatch(
  live: Unstructured,
  fieldManager: string,
  managers: readonly FieldManagerRef[],
): JsonPatchOp[] {
  const ops: JsonPatchOp[] = [];
  const annotations = getPath(live, "metadata", "annotations");
  for (const key of STALE_ANNOTATIONS) {
    if (isRecord(annotations) && key in annotations)
      ops.push({ op: "remove", path: `/metadata/annotations/${escapePointer(key)}` });
  }
  const labels = getPath(live, "metadata", "labels");
  for (const key of STALE_LABELS) {
    if (isRecord(labels) && key in labels)
      ops.push({ op: "remove", path: `/metadata/labels/${escapePointer(key)}` });
  }
  const entries = getPath(live, "metadata", "managedFields");
  if (!Array.isArray(entries)) return ops;
  const records = entries.filter((e): e is Record<string, unknown> => isRecord(e));
  let own = records.find(
    (e) => e["manager"] === fieldManager && e["operation"] === "Apply" && e["subresource"] === undefined,
  );
  const kept: Record<string, unknown>[] = [];
  let edited = false;
  for (const e of records) {
    if (e === own) continue;
    const match = managers.some(
      (m) => e["manager"] === m.name && e["operation"] === m.operation && (e["subresource"] ?? "") === "",
    );
    if (!match) {
      kept.push(e);
      continue;
    }
    edited = true;
    own =
      own === undefined
        ? { ...e, manager: fieldManager, operation: "Apply" }
        : { ...own, fieldsV1: mergeFieldsV1(own["fieldsV1"], e["fieldsV1"]) };
  }
  if (edited && own !== undefined)
    ops.push({ op: "replace", path: "/metadata/managedFields", value: [...kept, own] });
  return ops;
}
