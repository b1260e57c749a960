// SPDX-License-Identifier: Apache-2.0
// Deleting objects that left the set (flux-compat.md §5.9): reverse apply order, background propagation,
// only objects that still carry the owner labels and are not protected by policy.
import { changeEntry, type ChangeSet, type ChangeSetEntry } from "./changeset.ts";
import { ApplyError } from "./errors.ts";
import { hasLabels } from "./inventory.ts";
import type { KubePort, ResourceMapping } from "./kube/port.ts";
import { formatApiVersion, keyOf, subjectOf, type ObjectRef, type Unstructured } from "./object.ts";
import { skipPruneReason } from "./policy.ts";
import { compareApplyOrder } from "./stages.ts";

/** An object that may be pruned, with its resource mapping. */
export interface PruneCandidate {
  readonly ref: ObjectRef;
  readonly mapping: ResourceMapping;
}

/** The refs in `previous` that are not in `current` (by group, kind, namespace, name; versions ignored). */
export function staleRefs<T extends { ref: ObjectRef }>(
  previous: readonly T[],
  current: readonly ObjectRef[],
): T[] {
  const keep = new Set(current.map(keyOf));
  const seen = new Set<string>();
  return previous.filter((p) => {
    const k = keyOf(p.ref);
    if (keep.has(k) || seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function stub(ref: ObjectRef): Unstructured {
  return {
    apiVersion: formatApiVersion(ref),
    kind: ref.kind,
    metadata: { name: ref.name, namespace: ref.namespace },
  };
}

/** Candidates in prune order: the reverse of the apply order. */
export function sortForPruning<T extends { ref: ObjectRef }>(candidates: readonly T[]): T[] {
  return [...candidates].sort((a, b) => compareApplyOrder(stub(b.ref), stub(a.ref)));
}

/** Options of {@link pruneObjects}. */
export interface PruneOptions {
  /** Labels a live object must still carry to be deleted (Flux's owner labels, the ApplySet part-of label). */
  readonly ownerLabels: Readonly<Record<string, string>>;
  /** Report what would be deleted without deleting. */
  readonly dryRun?: boolean;
  readonly signal?: AbortSignal;
}

async function pruneOne(port: KubePort, c: PruneCandidate, o: PruneOptions): Promise<ChangeSetEntry> {
  const sig = o.signal === undefined ? {} : { signal: o.signal };
  const live = await port.get(c.mapping, c.ref.namespace, c.ref.name, sig);
  if (live === undefined) return changeEntry(c.ref, "deleted");
  if (!hasLabels(live, o.ownerLabels)) return changeEntry(c.ref, "skipped", "owner labels changed");
  const protectedBy = skipPruneReason(live);
  if (protectedBy !== undefined) return changeEntry(c.ref, "skipped", protectedBy);
  if (o.dryRun !== true)
    await port.delete(c.mapping, c.ref.namespace, c.ref.name, { propagationPolicy: "Background", ...sig });
  return changeEntry(c.ref, "deleted");
}

/**
 * Deletes stale objects in reverse apply order. Errors are collected; `PRUNE_FAILED` lists them and carries
 * the change set of what was done (failed objects are left out of it, so a caller keeps them in its inventory).
 */
export async function pruneObjects(
  port: KubePort,
  candidates: readonly PruneCandidate[],
  o: PruneOptions,
): Promise<ChangeSet> {
  const entries: ChangeSetEntry[] = [];
  const errors: string[] = [];
  for (const c of sortForPruning(candidates)) {
    try {
      entries.push(await pruneOne(port, c, o));
    } catch (e) {
      if (o.signal?.aborted === true) throw e;
      errors.push(`${subjectOf(c.ref)}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (errors.length > 0) {
    throw new ApplyError({
      code: "PRUNE_FAILED",
      message: `delete failed, errors: ${errors.join("; ")}`,
      changeSet: { entries },
    });
  }
  return { entries };
}
