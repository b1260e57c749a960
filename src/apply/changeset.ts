// SPDX-License-Identifier: Apache-2.0
// The result of an apply or prune (`fluxcd/pkg:ssa/changeset.go`): data for renderers, events and status.
import { subjectOf, type ObjectRef } from "./object.ts";

/** What happened to one object. */
export type ChangeAction = "created" | "configured" | "unchanged" | "deleted" | "skipped" | "unknown";

/** One line of a change set. */
export interface ChangeSetEntry {
  /** `Kind/namespace/name`, or `Kind/name` for cluster-scoped objects. */
  readonly subject: string;
  readonly action: ChangeAction;
  /** The object's identity (apiVersion's version included). */
  readonly ref: ObjectRef;
  /** Why an object was skipped or recreated (`reconcile disabled`, `recreated: immutable field`), if known. */
  readonly reason?: string;
}

/** Everything an apply (and its prune) did, in the order it happened. */
export interface ChangeSet {
  readonly entries: readonly ChangeSetEntry[];
}

/** A change-set entry for an object. */
export function changeEntry(ref: ObjectRef, action: ChangeAction, reason?: string): ChangeSetEntry {
  return { subject: subjectOf(ref), action, ref, ...(reason === undefined ? {} : { reason }) };
}

/** Flux's line format: `Kind/namespace/name action`. */
export function formatChange(e: ChangeSetEntry): string {
  return `${e.subject} ${e.action}`;
}

/** True when the change set changed something in the cluster (anything but unchanged/skipped). */
export function hasChanges(cs: ChangeSet): boolean {
  return cs.entries.some((e) => e.action !== "unchanged" && e.action !== "skipped");
}

/** Concatenates change sets. */
export function mergeChangeSets(...sets: readonly ChangeSet[]): ChangeSet {
  return { entries: sets.flatMap((s) => s.entries) };
}
