// SPDX-License-Identifier: Apache-2.0
// Waiting until objects are healthy (`fluxcd/pkg:ssa/manager_wait.go` WaitForSetWithContext): poll, end early
// when all are Current, fail fast when one is Failed, report per object.
import { SYSTEM_CLOCK, type Clock } from "../core/index.ts";
import { mapLimit } from "./concurrency.ts";
import { ApplyError } from "./errors.ts";
import { healthOf } from "./health/compute.ts";
import { podControllerStatus, aggregateStatus } from "./health/readers.ts";
import type { HealthResult, HealthStatus } from "./health/types.ts";
import type { KubePort, ResourceMapping } from "./kube/port.ts";
import { getPath, namespaceOf, subjectOf, type ObjectRef, type Unstructured } from "./object.ts";
import { labelSelectorString } from "./selector.ts";

/** An object to wait for. */
export interface HealthTarget {
  readonly ref: ObjectRef;
  readonly mapping: ResourceMapping;
  /** A Job with `ttlSecondsAfterFinished` may vanish once done: NotFound then counts as Current (Flux). */
  readonly notFoundIsCurrent?: boolean;
}

/** The health of one object at the end of a wait. */
export interface HealthEntry {
  readonly subject: string;
  readonly ref: ObjectRef;
  readonly status: HealthStatus;
  readonly message: string;
}

/** The result of a wait: every object's last status, and how long it took. */
export interface HealthReport {
  readonly entries: readonly HealthEntry[];
  readonly elapsedMs: number;
}

/** Options of {@link waitForHealthy}. */
export interface WaitOptions {
  readonly timeoutMs: number;
  /** Poll interval; Flux uses 5 s for health checks and 2 s for stages. */
  readonly pollMs?: number;
  /** Stop as soon as one object is Failed (Flux's default). */
  readonly failFast?: boolean;
  readonly clock?: Clock;
  readonly signal?: AbortSignal;
}

const POD_OWNERS = new Set(["apps/ReplicaSet", "apps/StatefulSet"]);

/**
 * The lookup reader: NotFound for a missing object (`Resource not found`), otherwise its health; ReplicaSets
 * and StatefulSets that are in progress also look at their pods. Aborts propagate as errors.
 */
export async function readHealth(
  port: KubePort,
  target: HealthTarget,
  nowMs: number,
  signal?: AbortSignal,
): Promise<HealthResult> {
  const { ref, mapping } = target;
  const obj = await port.get(mapping, ref.namespace, ref.name, signal === undefined ? {} : { signal });
  if (obj === undefined) {
    return target.notFoundIsCurrent === true
      ? { status: "Current", message: "Resource not found (finished and deleted)", conditions: [] }
      : { status: "NotFound", message: "Resource not found", conditions: [] };
  }
  const own = healthOf(obj, nowMs);
  if (own.status !== "InProgress" || !POD_OWNERS.has(`${ref.group}/${ref.kind}`)) return own;
  return podControllerStatus(own, await podsOf(port, obj, nowMs, signal));
}

async function podsOf(port: KubePort, owner: Unstructured, nowMs: number, signal: AbortSignal | undefined) {
  const selector = labelSelectorString(getPath(owner, "spec", "selector"));
  if (selector === undefined) return [];
  const podMapping = await port.mapping(
    { group: "", version: "v1", kind: "Pod" },
    signal === undefined ? {} : { signal },
  );
  const ns = namespaceOf(owner);
  const pods = await port.list(podMapping, {
    namespace: ns,
    labelSelector: selector,
    ...(signal === undefined ? {} : { signal }),
  });
  return pods.map((pod) => ({ status: healthOf(pod, nowMs).status, pod }));
}

function isTimeout(signal: AbortSignal | undefined): boolean {
  const reason: unknown = signal?.reason;
  return reason instanceof DOMException && reason.name === "TimeoutError";
}

function timedOut(report: HealthReport): ApplyError {
  const waiting = report.entries.filter((e) => e.status !== "Current");
  return new ApplyError({
    code: "HEALTH_CHECK_FAILED",
    message: `timeout waiting for: [${waiting.map(line).join(", ")}]`,
    health: report,
    retryable: true,
  });
}

function line(e: HealthEntry): string {
  return `${e.subject} status: '${e.status}'`;
}

/**
 * Polls until every target is Current. Throws `HEALTH_CHECK_FAILED` (with the per-object report) on timeout
 * (`timeout waiting for: [Kind/ns/name status: 'InProgress', …]`) or, with fail-fast, as soon as one is Failed
 * (`failed early due to stalled resources: […]`).
 */
export async function waitForHealthy(
  port: KubePort,
  targets: readonly HealthTarget[],
  opts: WaitOptions,
): Promise<HealthReport> {
  const clock = opts.clock ?? SYSTEM_CLOCK;
  const pollMs = opts.pollMs ?? 5000;
  const failFast = opts.failFast ?? true;
  const start = clock.now();
  const deadline = start + opts.timeoutMs;
  let last: HealthReport | undefined;
  for (;;) {
    const now = clock.now();
    let entries: HealthEntry[];
    try {
      entries = await mapLimit(targets, 8, async (t): Promise<HealthEntry> => {
        const r = await readHealth(port, t, now, opts.signal);
        return { subject: subjectOf(t.ref), ref: t.ref, status: r.status, message: r.message };
      });
    } catch (e) {
      if (last !== undefined && isTimeout(opts.signal)) throw timedOut(last);
      throw e;
    }
    const report = { entries, elapsedMs: clock.now() - start };
    last = report;
    const status = aggregateStatus(
      entries.map((e) => e.status),
      "Current",
    );
    if (status === "Current") return report;
    const failed = entries.filter((e) => e.status === "Failed");
    if (failFast && failed.length > 0) {
      throw new ApplyError({
        code: "HEALTH_CHECK_FAILED",
        message: `failed early due to stalled resources: [${failed.map(line).join(", ")}]`,
        health: report,
      });
    }
    if (clock.now() >= deadline) throw timedOut(report);
    try {
      await clock.sleep(Math.min(pollMs, Math.max(0, deadline - clock.now())), opts.signal);
    } catch (e) {
      // A deadline given as a signal (AbortSignal.timeout) ends the wait like the timeout does.
      if (isTimeout(opts.signal)) throw timedOut(report);
      throw e;
    }
  }
}
