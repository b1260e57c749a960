// SPDX-License-Identifier: Apache-2.0
// Staged server-side apply (`fluxcd/pkg:ssa` ApplyAllStaged): definitions, classes, custom kinds, the rest;
// each stage planned concurrently (GET + dry-run), then written in order; definitions and classes are waited
// for before the next stage.
import { SYSTEM_CLOCK, type Clock } from "../core/index.ts";
import { commitObject, planObject, type ObjectContext, type ObjectPlan } from "./apply-object.ts";
import type { ChangeSet, ChangeSetEntry } from "./changeset.ts";
import { mapLimit } from "./concurrency.ts";
import { ApplyError } from "./errors.ts";
import { LiveCache } from "./live-cache.ts";
import type { KubePort } from "./kube/port.ts";
import { defaultTakeOverManagers, type FieldManagerRef } from "./managed-fields.ts";
import { normalizeObject, withMetadata } from "./normalize.ts";
import { assertObject, getPath, gvkOf, keyOf, refOf, subjectOf, type Unstructured } from "./object.ts";
import { planStages } from "./stages.ts";
import { waitForHealthy, type HealthTarget } from "./wait.ts";

/** The default field manager of the ocisync CLI (Flux's controller uses `kustomize-controller`). */
export const DEFAULT_FIELD_MANAGER = "ocisync";

/** Options of {@link applyAll} and {@link planAll}. */
export interface ApplyOptions {
  /** Field manager for every apply; default {@link DEFAULT_FIELD_MANAGER}. */
  readonly fieldManager?: string;
  /** Recreate objects whose dry-run fails on an immutable field (Flux `spec.force`). */
  readonly force?: boolean;
  /** Labels added to every object (Flux's owner labels, the ApplySet `part-of` label). */
  readonly labels?: Readonly<Record<string, string>>;
  /** Namespace for namespaced objects that name none. */
  readonly defaultNamespace?: string;
  /** Kinds applied in their own stage before the rest (`--custom-apply-stage-kinds`). */
  readonly customStageKinds?: readonly string[];
  /** Managers whose fields are taken over; default Flux's list plus kubectl's client-side managers. */
  readonly takeOverManagers?: readonly FieldManagerRef[];
  /** Timeout of each stage wait (Flux: fixed 60 s) and of a recreate's delete. */
  readonly stageTimeoutMs?: number;
  /** Poll interval of stage waits (Flux: 2 s). */
  readonly stagePollMs?: number;
  /** Objects planned (GET + dry-run) and, within one kind, written at once; default 8. */
  readonly concurrency?: number;
  readonly clock?: Clock;
  readonly signal?: AbortSignal;
}

/**
 * The result of an apply: the change set and each object's plan. {@link planAll} keeps the live and merged
 * objects (for diffs); {@link applyAll} leaves them out to keep memory flat.
 */
export interface ApplyResult {
  readonly changeSet: ChangeSet;
  readonly objects: readonly ObjectPlan[];
}

/** Validates, normalises and labels the desired objects; duplicates are an error. */
export function prepareObjects(
  objects: readonly unknown[],
  labels: Readonly<Record<string, string>> = {},
): Unstructured[] {
  const seen = new Set<string>();
  return objects.map((doc, i) => {
    const obj = withMetadata(normalizeObject(assertObject(doc, `object ${i + 1}`)), labels);
    const key = keyOf(refOf(obj));
    if (seen.has(key)) {
      throw new ApplyError({
        code: "INVALID_OBJECT",
        message: `duplicate object ${subjectOf(refOf(obj))}`,
        subject: subjectOf(refOf(obj)),
      });
    }
    seen.add(key);
    return obj;
  });
}

function pendingKinds(objects: readonly Unstructured[]): Set<string> {
  const out = new Set<string>();
  for (const o of objects) {
    const { group, kind } = gvkOf(o);
    if (group !== "apiextensions.k8s.io" || kind !== "CustomResourceDefinition") continue;
    const g = getPath(o, "spec", "group");
    const k = getPath(o, "spec", "names", "kind");
    if (typeof g === "string" && typeof k === "string") out.add(`${g}/${k}`);
  }
  return out;
}

function slim(p: ObjectPlan): ObjectPlan {
  return { ...p, live: undefined, merged: undefined, takeOver: [] };
}

// Consecutive runs of plans of the same group/kind (the plans are in apply order).
function byKind(plans: readonly ObjectPlan[]): ObjectPlan[][] {
  const out: ObjectPlan[][] = [];
  for (const p of plans) {
    const last = out.at(-1);
    const head = last?.[0];
    if (
      last !== undefined &&
      head !== undefined &&
      head.ref.group === p.ref.group &&
      head.ref.kind === p.ref.kind
    )
      last.push(p);
    else out.push([p]);
  }
  return out;
}

function contextOf(
  port: KubePort,
  objects: readonly Unstructured[],
  o: ApplyOptions,
  dryRunOnly: boolean,
): ObjectContext {
  const fieldManager = o.fieldManager ?? DEFAULT_FIELD_MANAGER;
  return {
    port,
    fieldManager,
    force: o.force === true,
    takeOver: o.takeOverManagers ?? defaultTakeOverManagers(fieldManager),
    defaultNamespace: o.defaultNamespace,
    dryRunOnly,
    pendingKinds: pendingKinds(objects),
    live: new LiveCache(port),
    timeoutMs: o.stageTimeoutMs ?? 60_000,
    clock: o.clock ?? SYSTEM_CLOCK,
    signal: o.signal,
  };
}

async function runStages(
  port: KubePort,
  objects: readonly unknown[],
  o: ApplyOptions,
  dryRunOnly: boolean,
): Promise<ApplyResult> {
  const prepared = prepareObjects(objects, o.labels);
  const ctx = contextOf(port, prepared, o, dryRunOnly);
  const concurrency = o.concurrency ?? 8;
  const entries: ChangeSetEntry[] = [];
  const plans: ObjectPlan[] = [];
  try {
    for (const stage of planStages(prepared, o.customStageKinds)) {
      await ctx.live.prefetch(stage.objects, ctx.defaultNamespace, ctx.signal);
      const staged = await mapLimit(stage.objects, concurrency, (obj) => planObject(ctx, obj));
      // Kinds are written one after another in Flux's order; objects of one kind concurrently.
      for (const batch of byKind(staged)) {
        entries.push(...(await mapLimit(batch, concurrency, (plan) => commitObject(ctx, plan))));
        // After a real apply only identities are needed (waits, inventories): drop the object bodies.
        plans.push(...(dryRunOnly ? batch : batch.map(slim)));
      }
      ctx.live.clear();
      if (stage.waitReady && !dryRunOnly) await waitStage(port, staged, ctx, o);
    }
  } catch (e) {
    if (e instanceof ApplyError && e.changeSet === undefined) {
      throw new ApplyError({
        code: e.code,
        message: e.message,
        cause: e.cause,
        retryable: e.retryable,
        changeSet: { entries },
        ...(e.status === undefined ? {} : { status: e.status }),
        ...(e.reason === undefined ? {} : { reason: e.reason }),
        ...(e.subject === undefined ? {} : { subject: e.subject }),
      });
    }
    throw e;
  }
  return { changeSet: { entries }, objects: plans };
}

async function waitStage(
  port: KubePort,
  plans: readonly ObjectPlan[],
  ctx: ObjectContext,
  o: ApplyOptions,
): Promise<void> {
  const targets = healthTargets(plans);
  if (targets.length === 0) return;
  try {
    await waitForHealthy(port, targets, {
      timeoutMs: ctx.timeoutMs,
      pollMs: o.stagePollMs ?? 2000,
      clock: ctx.clock,
      ...(ctx.signal === undefined ? {} : { signal: ctx.signal }),
    });
  } catch (e) {
    if (!(e instanceof ApplyError) || e.code !== "HEALTH_CHECK_FAILED") throw e;
    throw new ApplyError({
      code: "STAGE_NOT_READY",
      message: e.message,
      cause: e,
      ...(e.health === undefined ? {} : { health: e.health }),
    });
  }
}

/** The objects of an apply worth waiting for: everything applied and not skipped (Flux `wait: true`). */
export function healthTargets(plans: readonly ObjectPlan[]): HealthTarget[] {
  const out: HealthTarget[] = [];
  for (const p of plans) {
    if (p.action === "skipped" || p.mapping === undefined) continue;
    const ttl = getPath(p.desired, "spec", "ttlSecondsAfterFinished");
    const isJob = p.ref.group === "batch" && p.ref.kind === "Job";
    out.push({
      ref: p.ref,
      mapping: p.mapping,
      ...(isJob && typeof ttl === "number" ? { notFoundIsCurrent: true } : {}),
    });
  }
  return out;
}

/**
 * Applies objects in stages with server-side apply: only objects whose dry-run differs from the live object
 * are written, so an unchanged re-apply writes nothing. Returns the change set in apply order.
 */
export function applyAll(
  port: KubePort,
  objects: readonly unknown[],
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  return runStages(port, objects, options, false);
}

/**
 * What {@link applyAll} would do, from server-side dry-runs only: nothing is written, no stage is waited for.
 * Objects of kinds whose CRD is in the set (not yet served) are reported as created, unvalidated.
 */
export function planAll(
  port: KubePort,
  objects: readonly unknown[],
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  return runStages(port, objects, options, true);
}
