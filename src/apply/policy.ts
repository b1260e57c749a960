// SPDX-License-Identifier: Apache-2.0
// Flux's per-object apply policy (reference/flux-compat.md §5.7 "Controlling the apply behavior"): each key
// may be set as a label or an annotation; values are matched case-insensitively.
import { stringMap, type Unstructured } from "./object.ts";

const PREFIX = "kustomize.toolkit.fluxcd.io";

/** The policy keys (Flux's, so manifests written for Flux behave the same). */
export const POLICY_KEYS = {
  ssa: `${PREFIX}/ssa`,
  force: `${PREFIX}/force`,
  prune: `${PREFIX}/prune`,
  reconcile: `${PREFIX}/reconcile`,
} as const;

/** How an object is applied: `Override` (default), `Merge`, `IfNotPresent`, `Ignore`. */
export type SsaPolicy = "Override" | "Merge" | "IfNotPresent" | "Ignore";

function policyValue(obj: Unstructured | undefined, key: string): string | undefined {
  if (obj === undefined) return undefined;
  return (stringMap(obj, "annotations")[key] ?? stringMap(obj, "labels")[key])?.toLowerCase();
}

/** The object's `ssa` policy. */
export function ssaPolicyOf(obj: Unstructured | undefined): SsaPolicy {
  switch (policyValue(obj, POLICY_KEYS.ssa)) {
    case "merge":
      return "Merge";
    case "ifnotpresent":
      return "IfNotPresent";
    case "ignore":
      return "Ignore";
    default:
      return "Override";
  }
}

/** True when `reconcile: disabled` is set. */
export function isReconcileDisabled(obj: Unstructured | undefined): boolean {
  return policyValue(obj, POLICY_KEYS.reconcile) === "disabled";
}

/** True when `force: enabled` is set (recreate on immutable-field errors for this object). */
export function isForceEnabled(obj: Unstructured | undefined): boolean {
  return policyValue(obj, POLICY_KEYS.force) === "enabled";
}

/**
 * Why an object must not be applied, or undefined: `reconcile: disabled` or `ssa: Ignore` on either side,
 * or `ssa: IfNotPresent` on the desired object when it exists (`fluxcd/pkg:ssa` ApplyAll).
 */
export function skipApplyReason(desired: Unstructured, live: Unstructured | undefined): string | undefined {
  for (const obj of [desired, live]) {
    if (isReconcileDisabled(obj)) return "reconcile disabled";
    if (ssaPolicyOf(obj) === "Ignore") return "ssa ignore";
  }
  if (live !== undefined && ssaPolicyOf(desired) === "IfNotPresent") return "ssa if-not-present";
  return undefined;
}

/** Why a live object must not be pruned, or undefined: `prune: disabled`, `reconcile: disabled`, `ssa: Ignore`. */
export function skipPruneReason(live: Unstructured): string | undefined {
  if (policyValue(live, POLICY_KEYS.prune) === "disabled") return "prune disabled";
  if (isReconcileDisabled(live)) return "reconcile disabled";
  if (ssaPolicyOf(live) === "Ignore") return "ssa ignore";
  return undefined;
}
