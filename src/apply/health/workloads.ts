// SPDX-License-Identifier: Apache-2.0
// kstatus rules for the apps/v1 controllers (`fluxcd/cli-utils:pkg/kstatus/status/core.go`).
import { intAt, stringAt, type Unstructured } from "../object.ts";
import { conditionsOf, current, inProgress, nestedInt, type HealthResult } from "./types.ts";

const MAX_INT32 = 2147483647;

function replicaChecks(checks: readonly (readonly [boolean, string, string])[]): HealthResult | undefined {
  for (const [bad, reason, message] of checks) if (bad) return inProgress(reason, message);
  return undefined;
}

/** Deployment: progress deadline, replica counts, then `Progressing`/`Available`. */
export function deploymentStatus(obj: Unstructured): HealthResult {
  const deadline = intAt(obj, ["spec", "progressDeadlineSeconds"], MAX_INT32);
  let progressing = deadline !== MAX_INT32;
  let available = false;
  for (const c of conditionsOf(obj)) {
    if (c.type === "Progressing") {
      if (c.reason === "ProgressDeadlineExceeded") {
        return {
          status: "Failed",
          message: "Progress deadline exceeded",
          conditions: [{ type: "Stalled", status: "True", reason: c.reason, message: c.message }],
        };
      }
      if (c.status === "True" && c.reason === "NewReplicaSetAvailable") progressing = false;
    } else if (c.type === "Available" && c.status === "True") {
      available = true;
    }
  }
  const spec = intAt(obj, ["spec", "replicas"], 1);
  const replicas = intAt(obj, ["status", "replicas"], 0);
  const updated = intAt(obj, ["status", "updatedReplicas"], 0);
  const ready = intAt(obj, ["status", "readyReplicas"], 0);
  const avail = intAt(obj, ["status", "availableReplicas"], 0);
  return (
    replicaChecks([
      [spec > replicas, "LessReplicas", `Replicas: ${replicas}/${spec}`],
      [spec > updated, "LessUpdated", `Updated: ${updated}/${spec}`],
      [replicas > spec, "ExtraPods", `Pending termination: ${replicas - spec}`],
      [updated > avail, "LessAvailable", `Available: ${avail}/${updated}`],
      [spec > ready, "LessReady", `Ready: ${ready}/${spec}`],
      [progressing, "ReplicaSetNotAvailable", "ReplicaSet not Available"],
      [!available, "DeploymentNotAvailable", "Deployment not Available"],
    ]) ?? current(`Deployment is available. Replicas: ${replicas}`)
  );
}

/** StatefulSet: OnDelete is user-managed; replicas, partitioned rollouts, revisions. */
export function statefulSetStatus(obj: Unstructured): HealthResult {
  if (stringAt(obj, ["spec", "updateStrategy", "type"]) === "OnDelete") {
    return current("StatefulSet is using the ondelete update strategy");
  }
  const spec = intAt(obj, ["spec", "replicas"], 1);
  const ready = intAt(obj, ["status", "readyReplicas"], 0);
  const cur = intAt(obj, ["status", "currentReplicas"], 0);
  const updated = intAt(obj, ["status", "updatedReplicas"], 0);
  const replicas = intAt(obj, ["status", "replicas"], 0);
  const partition = intAt(obj, ["spec", "updateStrategy", "rollingUpdate", "partition"], -1);
  const basic = replicaChecks([
    [spec > replicas, "LessReplicas", `Replicas: ${replicas}/${spec}`],
    [spec > ready, "LessReady", `Ready: ${ready}/${spec}`],
    [replicas > spec, "ExtraPods", `Pending termination: ${replicas - spec}`],
  ]);
  if (basic !== undefined) return basic;
  if (partition !== -1) {
    if (updated < spec - partition) {
      return inProgress("PartitionRollout", `updated: ${updated}/${spec - partition}`);
    }
    return current(`Partition rollout complete. updated: ${updated}`);
  }
  if (spec > cur) return inProgress("LessCurrent", `current: ${cur}/${spec}`);
  if (stringAt(obj, ["status", "currentRevision"]) !== stringAt(obj, ["status", "updateRevision"])) {
    return inProgress("RevisionMismatch", "Waiting for updated revision to match current");
  }
  return current(`All replicas scheduled as expected. Replicas: ${replicas}`);
}

/** DaemonSet: generation must be observed, then scheduled/updated/available/ready vs desired. */
export function daemonSetStatus(obj: Unstructured): HealthResult {
  const generation = safeInt(obj, "metadata", "generation");
  if (generation === undefined) return inProgress("NoGeneration", "Missing metadata.generation");
  const observed = safeInt(obj, "status", "observedGeneration");
  if (observed === undefined) return inProgress("NoObservedGeneration", "Missing .status.observedGeneration");
  if (generation !== observed) {
    const kind = stringAt(obj, ["kind"]);
    return inProgress(
      "LatestGenerationNotObserved",
      `${kind} generation is ${generation}, but latest observed generation is ${observed}`,
    );
  }
  const desired = safeInt(obj, "status", "desiredNumberScheduled");
  if (desired === undefined) return inProgress("NoDesiredNumber", "Missing .status.desiredNumberScheduled");
  const cur = intAt(obj, ["status", "currentNumberScheduled"], 0);
  const updated = intAt(obj, ["status", "updatedNumberScheduled"], 0);
  const avail = intAt(obj, ["status", "numberAvailable"], 0);
  const ready = intAt(obj, ["status", "numberReady"], 0);
  return (
    replicaChecks([
      [desired > cur, "LessCurrent", `Current: ${cur}/${desired}`],
      [desired > updated, "LessUpdated", `Updated: ${updated}/${desired}`],
      [desired > avail, "LessAvailable", `Available: ${avail}/${desired}`],
      [desired > ready, "LessReady", `Ready: ${ready}/${desired}`],
    ]) ?? current(`All replicas scheduled as expected. Replicas: ${desired}`)
  );
}

/** ReplicaSet: `ReplicaFailure`, then labelled/available/ready vs spec, then extra pods. */
export function replicaSetStatus(obj: Unstructured): HealthResult {
  for (const c of conditionsOf(obj)) {
    if (c.type === "ReplicaFailure" && c.status === "True") {
      return inProgress("ReplicaFailure", "Replica Failure condition. Check Pods");
    }
  }
  const spec = intAt(obj, ["spec", "replicas"], 1);
  const replicas = intAt(obj, ["status", "replicas"], 0);
  const ready = intAt(obj, ["status", "readyReplicas"], 0);
  const avail = intAt(obj, ["status", "availableReplicas"], 0);
  const labelled = intAt(obj, ["status", "fullyLabeledReplicas"], 0);
  return (
    replicaChecks([
      [spec > labelled, "LessLabelled", `Labelled: ${labelled}/${spec}`],
      [spec > avail, "LessAvailable", `Available: ${avail}/${spec}`],
      [spec > ready, "LessReady", `Ready: ${ready}/${spec}`],
      [replicas > spec, "ExtraPods", `Pending termination: ${replicas - spec}`],
    ]) ?? current(`ReplicaSet is available. Replicas: ${replicas}`)
  );
}

// The DaemonSet rule treats a value of the wrong type like an absent one (`err != nil || !found`).
function safeInt(obj: Unstructured, ...path: readonly string[]): number | undefined {
  try {
    return nestedInt(obj, ...path);
  } catch {
    return undefined;
  }
}
