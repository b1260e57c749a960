// SPDX-License-Identifier: Apache-2.0
// What kstatus's status readers add around `Compute` (`fluxcd/cli-utils:pkg/kstatus/polling/statusreaders`,
// `polling/aggregator`).
import { getPath, type Unstructured } from "../object.ts";
import { conditionsOf, type HealthResult, type HealthStatus } from "./types.ts";

/** A pod selected by a ReplicaSet or StatefulSet, with its computed status (the object may be unknown). */
export interface PodHealth {
  readonly status: HealthStatus;
  readonly pod?: Unstructured | null;
}

/**
 * True when a failed pod should not fail its owner (the fork's rule): no object, being deleted, or Pending
 * and unschedulable (the scheduler may still place it).
 */
export function isTransientPodFailure(p: PodHealth): boolean {
  const pod = p.pod;
  if (pod === undefined || pod === null) return true;
  const deletion = getPath(pod, "metadata", "deletionTimestamp");
  if (typeof deletion === "string" && deletion !== "") return true;
  if (getPath(pod, "status", "phase") !== "Pending") return false;
  try {
    return conditionsOf(pod).some(
      (c) => c.type === "PodScheduled" && c.status === "False" && c.reason === "Unschedulable",
    );
  } catch {
    return false;
  }
}

/**
 * A ReplicaSet's or StatefulSet's status from its own result and its pods': InProgress becomes Failed when a
 * pod failed for good (`pod_controller.go`). `own` is an Error when the owner's status could not be computed.
 */
export function podControllerStatus(own: HealthResult | Error, pods: readonly PodHealth[]): HealthResult {
  if (own instanceof Error) return { status: "Unknown", message: own.message, conditions: [] };
  if (own.status !== "InProgress") return own;
  const failedPods = pods.filter((p) => p.status === "Failed" && !isTransientPodFailure(p)).length;
  if (failedPods === 0) return own;
  return { status: "Failed", message: `${failedPods} pods have failed`, conditions: [] };
}

/** kstatus `AggregateStatus`: Failed wins, then Unknown; all desired → desired; else InProgress. */
export function aggregateStatus(statuses: readonly HealthStatus[], desired: HealthStatus): HealthStatus {
  if (statuses.length === 0) return desired;
  if (statuses.includes("Failed")) return "Failed";
  if (statuses.includes("Unknown")) return "Unknown";
  if (statuses.every((s) => s === desired)) return desired;
  return "InProgress";
}
