// SPDX-License-Identifier: Apache-2.0
// Apply + prune with an ApplySet inventory (KEP-3659), the way `kubectl apply --prune --applyset` orders it:
// widen the parent to old ∪ new, apply the members labelled part-of, prune members no longer in the set,
// then narrow the parent to the new set. A failed apply stops before any prune.
import { applyAll, planAll, type ApplyOptions, type ApplyResult } from "./apply.ts";
import { changeEntry, mergeChangeSets, type ChangeSetEntry } from "./changeset.ts";
import { ApplyError } from "./errors.ts";
import {
  APPLYSET_PART_OF_LABEL,
  applySetId,
  applySetMembers,
  applySetParentObject,
  hasLabels,
  readApplySetParent,
  type ApplySetParent,
  type ApplySetState,
  type GroupKind,
} from "./inventory.ts";
import type { KubePort, ResourceMapping } from "./kube/port.ts";
import { gvkOf, isRecord, keyOf, namespaceOf, refOf, type Unstructured } from "./object.ts";
import { skipPruneReason } from "./policy.ts";
import { pruneObjects, sortForPruning, type PruneCandidate } from "./prune.ts";

/** Options of {@link applySet}. */
export interface ApplySetOptions extends ApplyOptions {
  readonly parent: ApplySetParent;
  /** `applyset.kubernetes.io/tooling` value, `<name>/<version>`. */
  readonly tooling: string;
  /** Delete members that left the set. */
  readonly prune?: boolean;
}

type Members = Omit<ApplySetState, "id" | "tooling">;

function union(a: Members, b: Members): Members {
  return {
    groupKinds: [...a.groupKinds, ...b.groupKinds],
    additionalNamespaces: [...a.additionalNamespaces, ...b.additionalNamespaces],
  };
}

async function readParent(
  port: KubePort,
  m: ResourceMapping,
  o: ApplySetOptions,
): Promise<ApplySetState | undefined> {
  const live = await port.get(
    m,
    o.parent.namespace,
    o.parent.name,
    o.signal === undefined ? {} : { signal: o.signal },
  );
  if (live === undefined) return undefined;
  const state = readApplySetParent(o.parent, live);
  if (state.tooling !== undefined && state.tooling.split("/")[0] !== o.tooling.split("/")[0]) {
    throw new ApplyError({
      code: "INVENTORY_ERROR",
      message: `ApplySet ${o.parent.kind}/${o.parent.namespace}/${o.parent.name} is managed by ${state.tooling}, not ${o.tooling}`,
    });
  }
  return state;
}

async function writeParent(
  port: KubePort,
  m: ResourceMapping,
  o: ApplySetOptions,
  members: Members,
): Promise<void> {
  await port.apply(m, applySetParentObject(o.parent, members, o.tooling), {
    fieldManager: o.fieldManager ?? "ocisync",
    force: true,
    dryRun: false,
    ...(o.signal === undefined ? {} : { signal: o.signal }),
  });
}

// Members as far as they are known before the apply (a namespaced kind's empty namespace is the default one).
function desiredMembers(o: ApplySetOptions, objects: readonly unknown[]): Members {
  const refs = objects
    .filter((x): x is Unstructured => typeof x === "object" && x !== null)
    .map((x) => {
      const ref = refOf(x);
      return { ...ref, namespace: namespaceOf(x) === "" ? (o.defaultNamespace ?? "") : ref.namespace };
    });
  return applySetMembers(o.parent, refs);
}

async function listMembers(
  port: KubePort,
  o: ApplySetOptions,
  scope: Members,
  id: string,
): Promise<PruneCandidate[]> {
  const sig = o.signal === undefined ? {} : { signal: o.signal };
  const namespaces = [o.parent.namespace, ...scope.additionalNamespaces];
  const out: PruneCandidate[] = [];
  const gks = new Map<string, GroupKind>(scope.groupKinds.map((gk) => [`${gk.group}/${gk.kind}`, gk]));
  for (const gk of gks.values()) {
    const m = await port.mappingForGroupKind(gk.group, gk.kind, sig);
    if (m === undefined) continue; // the kind is gone (its CRD was removed): nothing left to prune
    const lists = m.namespaced
      ? await Promise.all(
          [...new Set(namespaces)].map((ns) =>
            port.list(m, { namespace: ns, labelSelector: `${APPLYSET_PART_OF_LABEL}=${id}`, ...sig }),
          ),
        )
      : [await port.list(m, { labelSelector: `${APPLYSET_PART_OF_LABEL}=${id}`, ...sig })];
    for (const obj of lists.flat()) out.push({ ref: { ...refOf(obj), ...gvkOf(obj) }, mapping: m });
  }
  return out;
}

// The parent lives in a namespace; when that namespace is itself a member and does not exist yet, it is
// applied first (kubectl would fail here).
async function createParentNamespace(
  port: KubePort,
  objects: readonly unknown[],
  o: ApplySetOptions,
  labels: Readonly<Record<string, string>>,
): Promise<ApplyResult | undefined> {
  const nsObject = objects.find((x): x is Unstructured => {
    if (!isRecord(x)) return false;
    const { group, kind } = gvkOf(x);
    return group === "" && kind === "Namespace" && refOf(x).name === o.parent.namespace;
  });
  if (nsObject === undefined) return undefined;
  const sig = o.signal === undefined ? {} : { signal: o.signal };
  const m = await port.mapping({ group: "", version: "v1", kind: "Namespace" }, sig);
  if ((await port.get(m, "", o.parent.namespace, sig)) !== undefined) return undefined;
  return applyAll(port, [nsObject], { ...o, labels });
}

// The namespace applied early shows as created, not as unchanged in the main apply.
function withEarly(applied: ApplyResult, early: ApplyResult | undefined): ApplyResult {
  if (early === undefined) return applied;
  const byKey = new Map(early.changeSet.entries.map((e) => [keyOf(e.ref), e]));
  return {
    changeSet: { entries: applied.changeSet.entries.map((e) => byKey.get(keyOf(e.ref)) ?? e) },
    objects: applied.objects,
  };
}

/**
 * Applies `objects` as the members of an ApplySet and, with `prune`, deletes former members (listed by the
 * part-of label across the recorded group/kinds and namespaces). The change set lists applies then deletions.
 */
export async function applySet(
  port: KubePort,
  objects: readonly unknown[],
  o: ApplySetOptions,
): Promise<ApplyResult> {
  const sig = o.signal === undefined ? {} : { signal: o.signal };
  const parentMapping = await port.mapping({ group: "", version: "v1", kind: o.parent.kind }, sig);
  const id = applySetId(o.parent);
  const previous = await readParent(port, parentMapping, o);
  const wanted = desiredMembers(o, objects);
  const widened = previous === undefined ? wanted : union(previous, wanted);
  const labels = { ...o.labels, [APPLYSET_PART_OF_LABEL]: id };
  const early = await createParentNamespace(port, objects, o, labels);
  await writeParent(port, parentMapping, o, widened);
  const applied = withEarly(await applyAll(port, objects, { ...o, labels }), early);
  // Without prune, former members stay members: the widened parent written above is the record.
  if (o.prune !== true) return applied;
  const keep = new Set(applied.objects.map((p) => keyOf(p.ref)));
  const stale = (await listMembers(port, o, widened, id)).filter((c) => !keep.has(keyOf(c.ref)));
  const pruned = await pruneObjects(port, stale, {
    ownerLabels: { [APPLYSET_PART_OF_LABEL]: id },
    ...sig,
  }).catch((e: unknown) => {
    if (e instanceof ApplyError && e.changeSet !== undefined) {
      throw new ApplyError({
        code: e.code,
        message: e.message,
        cause: e,
        changeSet: mergeChangeSets(applied.changeSet, e.changeSet),
      });
    }
    throw e;
  });
  await writeParent(
    port,
    parentMapping,
    o,
    applySetMembers(
      o.parent,
      applied.objects.map((p) => p.ref),
    ),
  );
  return { changeSet: mergeChangeSets(applied.changeSet, pruned), objects: applied.objects };
}

/** A would-be deletion of {@link planApplySet}: the entry and the live object. */
export interface PlannedDeletion {
  readonly entry: ChangeSetEntry;
  readonly live: Unstructured;
}

/** What {@link applySet} would do, from dry-runs and reads only. */
export interface ApplySetPlan extends ApplyResult {
  /** With `prune`: members that would be deleted (`deleted`) or kept by policy (`skipped`). */
  readonly pruned: readonly PlannedDeletion[];
}

/** Plans {@link applySet} without writing: the members' dry-runs (with the part-of label) and, with `prune`, deletions. */
export async function planApplySet(
  port: KubePort,
  objects: readonly unknown[],
  o: ApplySetOptions,
): Promise<ApplySetPlan> {
  const sig = o.signal === undefined ? {} : { signal: o.signal };
  const parentMapping = await port.mapping({ group: "", version: "v1", kind: o.parent.kind }, sig);
  const id = applySetId(o.parent);
  const previous = await readParent(port, parentMapping, o);
  const planned = await planAll(port, objects, {
    ...o,
    labels: { ...o.labels, [APPLYSET_PART_OF_LABEL]: id },
  });
  if (o.prune !== true || previous === undefined) return { ...planned, pruned: [] };
  const keep = new Set(planned.objects.map((p) => keyOf(p.ref)));
  const stale = (await listMembers(port, o, union(previous, desiredMembers(o, objects)), id)).filter(
    (c) => !keep.has(keyOf(c.ref)),
  );
  const pruned: PlannedDeletion[] = [];
  for (const c of sortForPruning(stale)) {
    const live = await port.get(c.mapping, c.ref.namespace, c.ref.name, sig);
    if (live === undefined || !hasLabels(live, { [APPLYSET_PART_OF_LABEL]: id })) continue;
    const protectedBy = skipPruneReason(live);
    pruned.push({
      entry: changeEntry(c.ref, protectedBy === undefined ? "deleted" : "skipped", protectedBy),
      live,
    });
  }
  return { ...planned, pruned };
}
