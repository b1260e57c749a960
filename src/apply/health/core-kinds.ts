// SPDX-License-Identifier: Apache-2.0
// kstatus rules for Pods, PVCs, Services, CRDs and Jobs (`fluxcd/cli-utils:pkg/kstatus/status/core.go`).
import { getPath, intAt, isRecord, stringAt, type Unstructured } from "../object.ts";
import { StatusComputeError, conditionsOf, current, failed, inProgress, type HealthResult } from "./types.ts";

/** How long a Pending pod may be unschedulable before kstatus calls it Failed. */
export const SCHEDULE_WINDOW_MS = 15_000;

function crashLoopingContainers(obj: Unstructured): string[] {
  const list = getPath(obj, "status", "containerStatuses");
  if (!Array.isArray(list)) return [];
  const names: string[] = [];
  for (const cs of list) {
    if (!isRecord(cs) || typeof cs["name"] !== "string") continue;
    if (stringAt(cs, ["state", "waiting", "reason"]) === "CrashLoopBackOff") names.push(cs["name"]);
  }
  return names;
}

/** Pod: by phase; a Pending pod is InProgress for 15 s after creation while unschedulable, then Failed. */
export function podStatus(obj: Unstructured, nowMs: number): HealthResult {
  const phase = stringAt(obj, ["status", "phase"]);
  const conditions = conditionsOf(obj);
  switch (phase) {
    case "Succeeded":
      return current("Pod has completed successfully");
    case "Failed":
      return current("Pod has completed, but not successfully");
    case "Running": {
      if (conditions.some((c) => c.type === "Ready" && c.status === "True")) return current("Pod is Ready");
      const looping = crashLoopingContainers(obj);
      if (looping.length > 0) {
        return failed("ContainerCrashLooping", `Containers in CrashLoop state: ${looping.join(",")}`);
      }
      return inProgress("PodRunningNotReady", "Pod is running but is not Ready");
    }
    case "Pending": {
      const sched = conditions.find((c) => c.type === "PodScheduled" && c.status === "False");
      if (sched?.reason === "Unschedulable") {
        // A missing creationTimestamp is Go's zero time: long past.
        const created = Date.parse(stringAt(obj, ["metadata", "creationTimestamp"]));
        const since = Number.isNaN(created) ? Number.NEGATIVE_INFINITY : created;
        if (nowMs > since + SCHEDULE_WINDOW_MS)
          return failed("PodUnschedulable", "Pod could not be scheduled");
        return inProgress("PodNotScheduled", "Pod has not been scheduled");
      }
      return inProgress("PodPending", "Pod is in the Pending phase");
    }
    case "":
      return inProgress("PodNotObserved", "Pod phase not available");
    default:
      throw new StatusComputeError(`unknown phase ${phase}`);
  }
}

/** PersistentVolumeClaim: Current once Bound. */
export function pvcStatus(obj: Unstructured): HealthResult {
  const phase = stringAt(obj, ["status", "phase"], "unknown");
  if (phase !== "Bound") return inProgress("NotBound", `PVC is not Bound. phase: ${phase}`);
  return current("PVC is Bound");
}

/** Service: a LoadBalancer needs `spec.clusterIP`; everything else is Current. */
export function serviceStatus(obj: Unstructured): HealthResult {
  const type = stringAt(obj, ["spec", "type"], "ClusterIP");
  if (type === "LoadBalancer" && stringAt(obj, ["spec", "clusterIP"]) === "") {
    return inProgress("NoIPAssigned", "ClusterIP not set. Service type: LoadBalancer");
  }
  return current("Service is ready");
}

/** CustomResourceDefinition: names accepted and Established. */
export function crdStatus(obj: Unstructured): HealthResult {
  for (const c of conditionsOf(obj)) {
    if (c.type === "NamesAccepted" && c.status === "False") return failed(c.reason, c.message);
    if (c.type === "Established") {
      if (c.status === "False" && c.reason !== "Installing") return failed(c.reason, c.message);
      if (c.status === "True") return current("CRD is established");
    }
  }
  return inProgress("Installing", "Install in progress");
}

/** Job counters shared by the kstatus and the Flux Job rules. */
export function jobCounts(obj: Unstructured): {
  parallelism: number;
  completions: number;
  succeeded: number;
  failed: number;
  active: number;
  started: boolean;
} {
  const parallelism = intAt(obj, ["spec", "parallelism"], 1);
  return {
    parallelism,
    completions: intAt(obj, ["spec", "completions"], parallelism),
    succeeded: intAt(obj, ["status", "succeeded"], 0),
    failed: intAt(obj, ["status", "failed"], 0),
    active: intAt(obj, ["status", "active"], 0),
    started: stringAt(obj, ["status", "startTime"]) !== "",
  };
}

/** The `Complete`/`Failed` conditions of a Job, shared by both Job rules; undefined when neither is True. */
export function jobFinished(obj: Unstructured): HealthResult | undefined {
  const n = jobCounts(obj);
  for (const c of conditionsOf(obj)) {
    if (c.type === "Complete" && c.status === "True") {
      return current(`Job Completed. succeeded: ${n.succeeded}/${n.completions}`);
    }
    if (c.type === "Failed" && c.status === "True") {
      return failed("JobFailed", `Job Failed. failed: ${n.failed}/${n.completions}`);
    }
  }
  return undefined;
}

/** Job as kstatus judges it: a started Job is Current (Flux uses {@link fluxJobStatus} instead). */
export function kstatusJobStatus(obj: Unstructured): HealthResult {
  const done = jobFinished(obj);
  if (done !== undefined) return done;
  const n = jobCounts(obj);
  if (!n.started) return inProgress("JobNotStarted", "Job not started");
  return current(`Job in progress. success:${n.succeeded}, active: ${n.active}, failed: ${n.failed}`);
}

/**
 * Job as Flux judges it (`fluxcd/pkg:runtime/statusreaders/job.go`): suspended is Current, otherwise it must
 * complete; no generic step (no Terminating, no generation check).
 */
export function fluxJobStatus(obj: Unstructured): HealthResult {
  if (getPath(obj, "spec", "suspend") === true) return current("Job is suspended");
  const done = jobFinished(obj);
  if (done !== undefined) return done;
  const n = jobCounts(obj);
  if (!n.started) return inProgress("JobNotStarted", `Job not started. active: ${n.active}/${n.parallelism}`);
  return inProgress(
    "JobInProgress",
    `Job in progress. success:${n.succeeded}, active: ${n.active}, failed: ${n.failed}`,
  );
}
