// SPDX-License-Identifier: Apache-2.0
/**
 * Apply: staged server-side apply with drift detection, change sets, ApplySet and Flux inventories, prune,
 * kstatus health checks and waits, and diffs — Flux's `fluxcd/pkg:ssa` behaviour (flux-compat.md §5.7–5.10).
 */
export { applyAll, planAll, prepareObjects, healthTargets, DEFAULT_FIELD_MANAGER } from "./apply.ts";
export type { ApplyOptions, ApplyResult } from "./apply.ts";
export { isImmutableError } from "./apply-object.ts";
export type { ObjectPlan } from "./apply-object.ts";
export { applySet, planApplySet } from "./applyset.ts";
export type { ApplySetOptions, ApplySetPlan, PlannedDeletion } from "./applyset.ts";
export { changeEntry, formatChange, hasChanges, mergeChangeSets } from "./changeset.ts";
export type { ChangeAction, ChangeSet, ChangeSetEntry } from "./changeset.ts";
export { hasDrifted, jsonEqual } from "./drift.ts";
export { ApplyError, hasStatus } from "./errors.ts";
export type { ApplyErrorCode, ApplyErrorOptions } from "./errors.ts";
export { augmentConditions } from "./health/augment.ts";
export { computeKstatus, healthOf, kstatusOrUnknown } from "./health/compute.ts";
export { aggregateStatus, isTransientPodFailure, podControllerStatus } from "./health/readers.ts";
export type { PodHealth } from "./health/readers.ts";
export type { HealthCondition, HealthResult, HealthStatus } from "./health/types.ts";
export {
  APPLYSET_GROUP_KINDS_ANNOTATION,
  APPLYSET_ID_LABEL,
  APPLYSET_NAMESPACES_ANNOTATION,
  APPLYSET_PART_OF_LABEL,
  APPLYSET_TOOLING_ANNOTATION,
  applySetId,
  applySetMembers,
  applySetParentObject,
  fluxInventoryEntry,
  formatGroupKind,
  hasLabels,
  parseFluxInventoryEntry,
  parseGroupKind,
  readApplySetParent,
} from "./inventory.ts";
export type { ApplySetParent, ApplySetState, FluxInventoryEntry, GroupKind } from "./inventory.ts";
export { KubeClient, kubeClientFromKubeconfig } from "./kube/client.ts";
export type { KubeconfigClient } from "./kube/client.ts";
export type { ApiTarget } from "./kube/http.ts";
export type { ApplyCallOptions, CallOptions, JsonPatchOp, KubePort, ResourceMapping } from "./kube/port.ts";
export { defaultTakeOverManagers, mergeFieldsV1, takeOverPatch } from "./managed-fields.ts";
export type { FieldManagerRef } from "./managed-fields.ts";
export { parseManifests, readManifests } from "./manifests.ts";
export type { ReadManifestsOptions } from "./manifests.ts";
export { maskSecrets } from "./mask.ts";
export { normalizeObject, withMetadata } from "./normalize.ts";
export { gvkOf, nameOf, namespaceOf, refOf, subjectOf } from "./object.ts";
export type { Gvk, ObjectRef, Unstructured } from "./object.ts";
export {
  POLICY_KEYS,
  isForceEnabled,
  isReconcileDisabled,
  skipApplyReason,
  skipPruneReason,
  ssaPolicyOf,
} from "./policy.ts";
export type { SsaPolicy } from "./policy.ts";
export { pruneObjects, sortForPruning, staleRefs } from "./prune.ts";
export type { PruneCandidate, PruneOptions } from "./prune.ts";
export { diffDeletion, diffObject, diffView } from "./render-diff.ts";
export type { ObjectDiff } from "./render-diff.ts";
export { labelSelectorString } from "./selector.ts";
export {
  compareApplyOrder,
  isClass,
  isClusterDefinition,
  planStages,
  sortForApply,
  sortForPrune,
} from "./stages.ts";
export type { Stage, StageName } from "./stages.ts";
export { diffLines, unifiedDiff } from "./unified-diff.ts";
export type { LineEdit } from "./unified-diff.ts";
export { readHealth, waitForHealthy } from "./wait.ts";
export type { HealthEntry, HealthReport, HealthTarget, WaitOptions } from "./wait.ts";
