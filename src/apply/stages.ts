// SPDX-License-Identifier: Apache-2.0
// Apply stages and order (`fluxcd/pkg:ssa/manager_apply.go` ApplyAllStaged, `ssa/utils/is.go`, `ssa/sort.go`).
import { gvkOf, nameOf, namespaceOf, type Unstructured } from "./object.ts";

/** The stages objects are applied in; definitions and classes are waited for before the next stage. */
export type StageName = "definitions" | "classes" | "custom" | "rest";

/** One stage of an apply: its objects, in Flux's order. */
export interface Stage {
  readonly name: StageName;
  readonly objects: readonly Unstructured[];
  /** True when the next stage must wait until these objects are Current (CRDs established, …). */
  readonly waitReady: boolean;
}

/** CRDs, Namespaces and ClusterRoles: what later objects depend on (`utils.IsClusterDefinition`). */
export function isClusterDefinition(obj: Unstructured): boolean {
  const { group, kind } = gvkOf(obj);
  return (
    (group === "apiextensions.k8s.io" && kind === "CustomResourceDefinition") ||
    (group === "" && kind === "Namespace") ||
    (group === "rbac.authorization.k8s.io" && kind === "ClusterRole")
  );
}

/** Any kind whose name ends with `Class`, in any group (`utils.IsClass`). */
export function isClass(obj: Unstructured): boolean {
  return gvkOf(obj).kind.endsWith("Class");
}

// Flux's kind order (reference/flux-compat.md §5.7); kinds not listed sort between FIRST and LAST.
const FIRST = [
  "CustomResourceDefinition",
  "Namespace",
  "ClusterRole",
  "ClusterClass",
  "RuntimeClass",
  "PriorityClass",
  "StorageClass",
  "VolumeSnapshotClass",
  "IngressClass",
  "GatewayClass",
  "ClusterRoleBinding",
  "ResourceQuota",
  "ServiceAccount",
  "Role",
  "RoleBinding",
  "ConfigMap",
  "Secret",
  "Service",
  "LimitRange",
  "Deployment",
  "StatefulSet",
  "CronJob",
  "PodDisruptionBudget",
];
const LAST = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"];

function rank(kind: string): number {
  const first = FIRST.indexOf(kind);
  if (first >= 0) return first;
  const last = LAST.indexOf(kind);
  return last >= 0 ? FIRST.length + 1 + last : FIRST.length;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Flux's apply order: kind rank, then (for unlisted kinds) group and kind, then namespace, then name. */
export function compareApplyOrder(a: Unstructured, b: Unstructured): number {
  const ga = gvkOf(a);
  const gb = gvkOf(b);
  const byRank = rank(ga.kind) - rank(gb.kind);
  if (byRank !== 0) return byRank;
  return (
    cmp(ga.group, gb.group) ||
    cmp(ga.kind, gb.kind) ||
    cmp(namespaceOf(a), namespaceOf(b)) ||
    cmp(nameOf(a), nameOf(b))
  );
}

/** Sorts a copy of `objects` in apply order. */
export function sortForApply(objects: readonly Unstructured[]): Unstructured[] {
  return [...objects].sort(compareApplyOrder);
}

/** Sorts a copy of `objects` in prune order: the reverse of apply order. */
export function sortForPrune(objects: readonly Unstructured[]): Unstructured[] {
  return [...objects].sort((a, b) => compareApplyOrder(b, a));
}

/**
 * Splits objects into Flux's stages: definitions (waited for), classes (waited for), the caller's custom kinds,
 * then the rest. Empty stages are left out; each stage is sorted.
 */
export function planStages(objects: readonly Unstructured[], customKinds: readonly string[] = []): Stage[] {
  const custom = new Set(customKinds.map((k) => k.toLowerCase()));
  const buckets: Record<StageName, Unstructured[]> = { definitions: [], classes: [], custom: [], rest: [] };
  for (const obj of objects) {
    if (isClusterDefinition(obj)) buckets.definitions.push(obj);
    else if (isClass(obj)) buckets.classes.push(obj);
    else if (custom.has(gvkOf(obj).kind.toLowerCase())) buckets.custom.push(obj);
    else buckets.rest.push(obj);
  }
  const order: StageName[] = ["definitions", "classes", "custom", "rest"];
  return order
    .filter((name) => buckets[name].length > 0)
    .map((name) => ({
      name,
      objects: sortForApply(buckets[name]),
      waitReady: name === "definitions" || name === "classes",
    }));
}
