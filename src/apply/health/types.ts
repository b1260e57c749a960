// SPDX-License-Identifier: Apache-2.0
import { getPath, isRecord } from "../object.ts";

/** kstatus results (`fluxcd/cli-utils:pkg/kstatus/status/status.go`). */
export type HealthStatus = "Current" | "InProgress" | "Failed" | "Terminating" | "NotFound" | "Unknown";

/** A condition kstatus computes: `Reconciling` while in progress, `Stalled` on failure. */
export interface HealthCondition {
  readonly type: "Reconciling" | "Stalled";
  readonly status: "True";
  readonly reason: string;
  readonly message: string;
}

/** The status of one object with kstatus's message and conditions. */
export interface HealthResult {
  readonly status: HealthStatus;
  readonly message: string;
  readonly conditions: readonly HealthCondition[];
}

/** A condition as objects carry it under `status.conditions` (kstatus `BasicCondition`). */
export interface ObjectCondition {
  readonly type: string;
  readonly status: string;
  readonly reason: string;
  readonly message: string;
}

/** Raised when an object's status cannot be read (kstatus returns an error; readers turn it into Unknown). */
export class StatusComputeError extends Error {}

/** `InProgress` with a `Reconciling` condition (kstatus `newInProgressStatus`). */
export function inProgress(reason: string, message: string): HealthResult {
  return {
    status: "InProgress",
    message,
    conditions: [{ type: "Reconciling", status: "True", reason, message }],
  };
}

/** `Failed` with a `Stalled` condition (kstatus `newFailedStatus`). */
export function failed(reason: string, message: string): HealthResult {
  return { status: "Failed", message, conditions: [{ type: "Stalled", status: "True", reason, message }] };
}

/** `Current` with no conditions. */
export function current(message: string): HealthResult {
  return { status: "Current", message, conditions: [] };
}

function stringField(c: Record<string, unknown>, key: string): string {
  const v = c[key];
  if (v === undefined || v === null) return "";
  if (typeof v !== "string") throw new StatusComputeError(`status.conditions[].${key} is not a string`);
  return v;
}

/**
 * `status.conditions` decoded as kstatus's `GetObjectWithConditions` does: absent is empty, a value of the
 * wrong shape is an error.
 */
export function conditionsOf(obj: unknown): ObjectCondition[] {
  const status = getPath(obj, "status");
  if (status === undefined || status === null) return [];
  if (!isRecord(status)) throw new StatusComputeError("status is not an object");
  const list = status["conditions"];
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new StatusComputeError("status.conditions is not a list");
  return list.map((c: unknown) => {
    if (!isRecord(c)) throw new StatusComputeError("status.conditions[] is not an object");
    return {
      type: stringField(c, "type"),
      status: stringField(c, "status"),
      reason: stringField(c, "reason"),
      message: stringField(c, "message"),
    };
  });
}

/** An int64 at a path as `unstructured.NestedInt64` reads it: absent → undefined, not an integer → error. */
export function nestedInt(obj: unknown, ...path: readonly string[]): number | undefined {
  const v = getPath(obj, ...path);
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v)) {
    throw new StatusComputeError(
      `.${path.join(".")} accessor error: ${JSON.stringify(v)} is of the type ${typeof v}, expected int64`,
    );
  }
  return v;
}
