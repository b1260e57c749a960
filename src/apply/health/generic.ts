// SPDX-License-Identifier: Apache-2.0
// The kind-independent kstatus rules (`fluxcd/cli-utils:pkg/kstatus/status/generic.go`, `status.go`).
import { getPath, stringAt } from "../object.ts";
import {
  StatusComputeError,
  conditionsOf,
  current,
  inProgress,
  nestedInt,
  type HealthResult,
} from "./types.ts";

/** `metadata.generation` vs `status.observedGeneration` (kstatus `checkGeneration`). */
export function checkGeneration(obj: Record<string, unknown>): HealthResult | undefined {
  const generation = nestedInt(obj, "metadata", "generation");
  if (generation === undefined) return undefined;
  const observed = nestedInt(obj, "status", "observedGeneration");
  if (observed === undefined || observed === generation) return undefined;
  const message = `${stringAt(obj, ["kind"])} generation is ${generation}, but latest observed generation is ${observed}`;
  return inProgress("LatestGenerationNotObserved", message);
}

/** Deletion, generation and the standard `Reconciling`/`Stalled` conditions (kstatus `checkGenericProperties`). */
export function checkGenericProperties(obj: Record<string, unknown>): HealthResult | undefined {
  const deletion = getPath(obj, "metadata", "deletionTimestamp");
  if (deletion !== undefined && deletion !== null && typeof deletion !== "string") {
    throw new StatusComputeError("metadata.deletionTimestamp is not a string");
  }
  if (typeof deletion === "string" && deletion !== "") {
    return { status: "Terminating", message: "Resource scheduled for deletion", conditions: [] };
  }
  const gen = checkGeneration(obj);
  if (gen !== undefined) return gen;
  for (const c of conditionsOf(obj)) {
    if (c.type === "Reconciling" && c.status === "True") return inProgress(c.reason, c.message);
    if (c.type === "Stalled" && c.status === "True") {
      return {
        status: "Failed",
        message: c.message,
        conditions: [{ type: "Stalled", status: "True", reason: c.reason, message: c.message }],
      };
    }
  }
  return undefined;
}

/** A `Ready` condition, for kinds without rules of their own (kstatus `checkReadyCondition`). */
export function checkReadyCondition(obj: Record<string, unknown>): HealthResult | undefined {
  for (const c of conditionsOf(obj)) {
    if (c.type !== "Ready") continue;
    if (c.status === "True") return current("Resource is Ready");
    if (c.status === "False" || c.status === "Unknown") return inProgress(c.reason, c.message);
  }
  return undefined;
}
