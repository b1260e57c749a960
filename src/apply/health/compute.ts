// SPDX-License-Identifier: Apache-2.0
// kstatus `Compute` as Flux uses it. Hand-written: there is no maintained JavaScript port of kstatus, and Flux
// compatibility needs its exact reasons and messages (see ../shared/conformance/kstatus).
import { gvkOf, type Unstructured } from "../object.ts";
import {
  fluxJobStatus,
  crdStatus,
  kstatusJobStatus,
  podStatus,
  pvcStatus,
  serviceStatus,
} from "./core-kinds.ts";
import { checkGenericProperties, checkReadyCondition } from "./generic.ts";
import { current, StatusComputeError, type HealthResult } from "./types.ts";
import { daemonSetStatus, deploymentStatus, replicaSetStatus, statefulSetStatus } from "./workloads.ts";

type Rule = (obj: Unstructured, nowMs: number) => HealthResult;

const always: Rule = () => current("Resource is always ready");

// Keyed by group/kind (core group: kind alone); the version does not matter (kstatus `legacyTypes`).
const RULES: Readonly<Record<string, Rule>> = {
  Service: serviceStatus,
  Pod: podStatus,
  Secret: always,
  PersistentVolumeClaim: pvcStatus,
  "apps/StatefulSet": statefulSetStatus,
  "apps/DaemonSet": daemonSetStatus,
  "extensions/DaemonSet": daemonSetStatus,
  "apps/Deployment": deploymentStatus,
  "extensions/Deployment": deploymentStatus,
  "apps/ReplicaSet": replicaSetStatus,
  "extensions/ReplicaSet": replicaSetStatus,
  "policy/PodDisruptionBudget": () => current("AllowedDisruptions has been computed."),
  "batch/CronJob": always,
  ConfigMap: always,
  "batch/Job": kstatusJobStatus,
  "apiextensions.k8s.io/CustomResourceDefinition": crdStatus,
};

function ruleKey(obj: Unstructured): string {
  const { group, kind } = gvkOf(obj);
  return group === "" ? kind : `${group}/${kind}`;
}

/**
 * kstatus `status.Compute` of `fluxcd/cli-utils` (the fork Flux uses): generic rules, then the kind's rules,
 * then a `Ready` condition, else Current. Throws {@link StatusComputeError} when the status cannot be read.
 */
export function computeKstatus(obj: Unstructured, nowMs: number): HealthResult {
  const generic = checkGenericProperties(obj);
  if (generic !== undefined) return generic;
  const rule = RULES[ruleKey(obj)];
  if (rule !== undefined) return rule(obj, nowMs);
  return checkReadyCondition(obj) ?? current("Resource is current");
}

function unknown(message: string): HealthResult {
  return { status: "Unknown", message, conditions: [] };
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * The health of one object as Flux's health check computes it (`fluxcd/pkg:ssa` + `runtime/statusreaders`):
 * `batch/Job` by Flux's Job reader, every other kind by kstatus; an unreadable status is `Unknown`.
 * Pod-owning controllers (ReplicaSet, StatefulSet) additionally look at their pods: see {@link podControllerStatus}.
 */
export function healthOf(obj: Unstructured, nowMs: number): HealthResult {
  if (ruleKey(obj) === "batch/Job") {
    try {
      return fluxJobStatus(obj);
    } catch (e) {
      return unknown(`Failed to compute job status: ${errorText(e)}`);
    }
  }
  return kstatusOrUnknown(obj, nowMs);
}

/** kstatus as the generic status reader runs it: an error becomes `Unknown`. */
export function kstatusOrUnknown(obj: Unstructured, nowMs: number): HealthResult {
  try {
    return computeKstatus(obj, nowMs);
  } catch (e) {
    if (e instanceof StatusComputeError) return unknown(e.message);
    throw e;
  }
}
