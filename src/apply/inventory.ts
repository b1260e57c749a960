// SPDX-License-Identifier: Apache-2.0
// Inventories: the Kubernetes ApplySet convention (KEP-3659, what `kubectl apply --applyset` writes), used by
// the CLI, and Flux's `status.inventory` entry format, used by the controller (flux-compat.md §5.9).
import { createHash } from "node:crypto";
import { ApplyError } from "./errors.ts";
import { isRecord, stringMap, type ObjectRef, type Unstructured } from "./object.ts";

export const APPLYSET_ID_LABEL = "applyset.kubernetes.io/id";
export const APPLYSET_PART_OF_LABEL = "applyset.kubernetes.io/part-of";
export const APPLYSET_GROUP_KINDS_ANNOTATION = "applyset.kubernetes.io/contains-group-kinds";
export const APPLYSET_NAMESPACES_ANNOTATION = "applyset.kubernetes.io/additional-namespaces";
export const APPLYSET_TOOLING_ANNOTATION = "applyset.kubernetes.io/tooling";

/** The object that stands for an ApplySet: a Secret or ConfigMap in a namespace. */
export interface ApplySetParent {
  readonly kind: "Secret" | "ConfigMap";
  readonly name: string;
  readonly namespace: string;
}

/** A group and kind (`Deployment.apps`; the core group prints as the kind alone). */
export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

/** What a parent records: the set's id, member group/kinds and namespaces besides the parent's, and tooling. */
export interface ApplySetState {
  readonly id: string;
  readonly groupKinds: readonly GroupKind[];
  readonly additionalNamespaces: readonly string[];
  readonly tooling: string | undefined;
}

/**
 * The ApplySet id: `applyset-<base64url(sha256("<name>.<namespace>.<kind>.<group>"))>-v1` (KEP-3659, as
 * kubectl computes it; the core group is empty).
 */
export function applySetId(parent: ApplySetParent): string {
  const hash = createHash("sha256")
    .update(`${parent.name}.${parent.namespace}.${parent.kind}.`)
    .digest("base64url");
  return `applyset-${hash}-v1`;
}

/** `Kind.group`, or `Kind` for the core group. */
export function formatGroupKind(gk: GroupKind): string {
  return gk.group === "" ? gk.kind : `${gk.kind}.${gk.group}`;
}

/** Parses `Kind.group` (the group is everything after the first dot). */
export function parseGroupKind(s: string): GroupKind {
  const i = s.indexOf(".");
  return i < 0 ? { group: "", kind: s } : { group: s.slice(i + 1), kind: s.slice(0, i) };
}

function list(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** Sorted, de-duplicated group/kinds. */
export function uniqueGroupKinds(gks: readonly GroupKind[]): GroupKind[] {
  const set = new Set(gks.map(formatGroupKind));
  return [...set].sort().map(parseGroupKind);
}

/** Reads a live parent; `INVENTORY_ERROR` when its id label is not the id of this parent. */
export function readApplySetParent(parent: ApplySetParent, live: Unstructured): ApplySetState {
  const id = applySetId(parent);
  const labels = stringMap(live, "labels");
  const annotations = stringMap(live, "annotations");
  if (labels[APPLYSET_ID_LABEL] !== id) {
    throw new ApplyError({
      code: "INVENTORY_ERROR",
      message: `${parent.kind}/${parent.namespace}/${parent.name} exists but is not the parent of ApplySet ${id} (label ${APPLYSET_ID_LABEL} is ${JSON.stringify(labels[APPLYSET_ID_LABEL] ?? "")})`,
    });
  }
  return {
    id,
    groupKinds: uniqueGroupKinds(list(annotations[APPLYSET_GROUP_KINDS_ANNOTATION]).map(parseGroupKind)),
    additionalNamespaces: [...new Set(list(annotations[APPLYSET_NAMESPACES_ANNOTATION]))].sort(),
    tooling: annotations[APPLYSET_TOOLING_ANNOTATION],
  };
}

/** The parent object to server-side apply for a state. */
export function applySetParentObject(
  parent: ApplySetParent,
  state: Omit<ApplySetState, "id" | "tooling">,
  tooling: string,
): Unstructured {
  return {
    apiVersion: "v1",
    kind: parent.kind,
    metadata: {
      name: parent.name,
      namespace: parent.namespace,
      labels: { [APPLYSET_ID_LABEL]: applySetId(parent) },
      annotations: {
        [APPLYSET_TOOLING_ANNOTATION]: tooling,
        [APPLYSET_GROUP_KINDS_ANNOTATION]: uniqueGroupKinds(state.groupKinds).map(formatGroupKind).join(","),
        [APPLYSET_NAMESPACES_ANNOTATION]: [...new Set(state.additionalNamespaces)].sort().join(","),
      },
    },
  };
}

/** The group/kinds and namespaces (other than the parent's) of a set of members. */
export function applySetMembers(
  parent: ApplySetParent,
  refs: readonly ObjectRef[],
): Omit<ApplySetState, "id" | "tooling"> {
  return {
    groupKinds: uniqueGroupKinds(refs.map((r) => ({ group: r.group, kind: r.kind }))),
    additionalNamespaces: [
      ...new Set(refs.map((r) => r.namespace).filter((ns) => ns !== "" && ns !== parent.namespace)),
    ].sort(),
  };
}

/** One entry of Flux's `status.inventory.entries`: `{id: "<ns>_<name>_<group>_<kind>", v: "<version>"}`. */
export interface FluxInventoryEntry {
  readonly id: string;
  readonly v: string;
}

const RBAC_KINDS = new Set(["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"]);

/** Flux's inventory entry of an object (`fluxcd/cli-utils` ObjMetadata; `:` in RBAC names becomes `__`). */
export function fluxInventoryEntry(ref: ObjectRef): FluxInventoryEntry {
  const rbac = ref.group === "rbac.authorization.k8s.io" && RBAC_KINDS.has(ref.kind);
  const name = rbac ? ref.name.replace(/:/g, "__") : ref.name;
  return { id: `${ref.namespace}_${name}_${ref.group}_${ref.kind}`, v: ref.version };
}

/** Parses a Flux inventory entry back into a reference (decoding `__` to `:` as Flux does for every kind). */
export function parseFluxInventoryEntry(e: FluxInventoryEntry): ObjectRef {
  const parts = e.id.split("_");
  // name may itself contain "__" (an encoded ':'); namespace, group and kind never contain '_'.
  if (parts.length < 4)
    throw new ApplyError({
      code: "INVENTORY_ERROR",
      message: `invalid inventory id ${JSON.stringify(e.id)}`,
    });
  const namespace = parts[0] ?? "";
  const kind = parts[parts.length - 1] ?? "";
  const group = parts[parts.length - 2] ?? "";
  const name = parts.slice(1, -2).join("_").replace(/__/g, ":");
  return { namespace, name, group, kind, version: e.v };
}

/** True for an object that carries every one of `labels` with the same value. */
export function hasLabels(obj: Unstructured, labels: Readonly<Record<string, string>>): boolean {
  const own = isRecord(obj["metadata"]) ? stringMap(obj, "labels") : {};
  return Object.entries(labels).every(([k, v]) => own[k] === v);
}
