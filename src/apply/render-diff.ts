// SPDX-License-Identifier: Apache-2.0
// Per-object unified diffs of a dry-run plan, with server-managed noise removed and Secret values masked.
import { stringify } from "yaml";
import type { ObjectPlan } from "./apply-object.ts";
import { maskSecrets } from "./mask.ts";
import { cloneJson, isRecord, subjectOf, type Unstructured } from "./object.ts";
import { unifiedDiff } from "./unified-diff.ts";

/** The diff of one object. */
export interface ObjectDiff {
  readonly subject: string;
  readonly action: ObjectPlan["action"] | "deleted";
  /** Unified diff text (empty when unchanged or skipped). */
  readonly diff: string;
}

const NOISE = new Set(["managedFields", "resourceVersion", "uid", "creationTimestamp", "generation"]);

/** An object as shown in a diff: no status, no server-managed metadata. */
export function diffView(obj: Unstructured | undefined): string {
  if (obj === undefined) return "";
  const out = cloneJson(obj);
  delete out["status"];
  const meta = out["metadata"];
  if (isRecord(meta))
    out["metadata"] = Object.fromEntries(Object.entries(meta).filter(([k]) => !NOISE.has(k)));
  return stringify(out, { sortMapEntries: true });
}

/** The unified diff of a planned object, live → merged (`--- Kind/ns/name (live)`, `+++ … (merged)`). */
export function diffObject(plan: ObjectPlan): ObjectDiff {
  const subject = subjectOf(plan.ref);
  if (plan.action === "skipped" || plan.action === "unchanged")
    return { subject, action: plan.action, diff: "" };
  const { before, after } = maskSecrets(plan.live, plan.merged);
  const diff = unifiedDiff(diffView(before), diffView(after), {
    from: `${subject} (live)`,
    to: `${subject} (merged)`,
  });
  return { subject, action: plan.action, diff };
}

/** The unified diff of an object that would be deleted (live → nothing). */
export function diffDeletion(subject: string, live: Unstructured): ObjectDiff {
  const { before } = maskSecrets(live, undefined);
  return {
    subject,
    action: "deleted",
    diff: unifiedDiff(diffView(before), "", { from: `${subject} (live)`, to: `${subject} (merged)` }),
  };
}
