// SPDX-License-Identifier: Apache-2.0
import { getPath, isRecord, type Unstructured } from "../object.ts";
import { computeKstatus } from "./compute.ts";

/**
 * kstatus `status.Augment`: writes the computed `Reconciling`/`Stalled` condition into the object's
 * `status.conditions` (updating one of the same type). `now` is an RFC 3339 time string.
 */
export function augmentConditions(obj: Unstructured, nowMs: number): void {
  const res = computeKstatus(obj, nowMs);
  const existing = getPath(obj, "status", "conditions");
  const conditions: Record<string, unknown>[] = Array.isArray(existing)
    ? existing.filter((c): c is Record<string, unknown> => isRecord(c))
    : [];
  const now = new Date(nowMs).toISOString().replace(/\.\d{3}Z$/, "Z");
  for (const rc of res.conditions) {
    const same = conditions.filter((c) => c["type"] === rc.type);
    for (const c of same) {
      if (c["status"] !== rc.status) c["lastTransitionTime"] = now;
      Object.assign(c, { status: rc.status, lastUpdateTime: now, reason: rc.reason, message: rc.message });
    }
    if (same.length === 0) {
      conditions.push({ lastTransitionTime: now, lastUpdateTime: now, ...rc });
    }
  }
  const status = isRecord(obj["status"]) ? obj["status"] : {};
  status["conditions"] = conditions;
  obj["status"] = status;
}
