// SPDX-License-Identifier: Apache-2.0
// One object through Flux's apply steps (`fluxcd/pkg:ssa` ApplyAll): GET, policy skip, server-side dry-run
// (recreate on immutable errors when forced), managedFields takeover, drift check, then apply if changed.
import type { Clock } from "../core/index.ts";
import { changeEntry, type ChangeSetEntry } from "./changeset.ts";
import { hasDrifted } from "./drift.ts";
import { ApplyError } from "./errors.ts";
import type { JsonPatchOp, KubePort, ResourceMapping } from "./kube/port.ts";
import { takeOverPatch, type FieldManagerRef } from "./managed-fields.ts";
import {
  gvkOf,
  isRecord,
  nameOf,
  namespaceOf,
  refOf,
  subjectOf,
  type ObjectRef,
  type Unstructured,
} from "./object.ts";
import type { LiveCache } from "./live-cache.ts";
import { isForceEnabled, skipApplyReason, ssaPolicyOf } from "./policy.ts";

/** What every object's apply shares. */
export interface ObjectContext {
  readonly port: KubePort;
  /** Where live objects are read from (LIST snapshots per stage, else GET). */
  readonly live: LiveCache;
  readonly fieldManager: string;
  readonly force: boolean;
  readonly takeOver: readonly FieldManagerRef[];
  readonly defaultNamespace: string | undefined;
  /** Only plan (for diff): no deletes, patches or applies. */
  readonly dryRunOnly: boolean;
  /** Kinds (`group/kind`) defined by CRDs in this apply: in a dry-run they may not be served yet. */
  readonly pendingKinds: ReadonlySet<string>;
  readonly timeoutMs: number;
  readonly clock: Clock;
  readonly signal: AbortSignal | undefined;
}

/** The plan for one object, then (after {@link commitObject}) its outcome. */
export interface ObjectPlan {
  readonly ref: ObjectRef;
  readonly mapping: ResourceMapping | undefined;
  /** The object as sent (namespace resolved). */
  readonly desired: Unstructured;
  /** The live object before the apply (undefined when absent or recreated). */
  readonly live: Unstructured | undefined;
  /** What the server would store (the dry-run answer); undefined when skipped. */
  readonly merged: Unstructured | undefined;
  readonly action: "created" | "configured" | "unchanged" | "skipped";
  readonly reason?: string;
  readonly takeOver: readonly JsonPatchOp[];
}

function opts(ctx: ObjectContext): { signal?: AbortSignal } {
  return ctx.signal === undefined ? {} : { signal: ctx.signal };
}

/** Flux's `IsImmutableError`: 409, 422, or a message saying a field is immutable. */
export function isImmutableError(err: unknown): boolean {
  if (!(err instanceof ApplyError)) return false;
  return (
    err.status === 409 ||
    err.status === 422 ||
    /is immutable|immutable field|field is immutable/i.test(err.message)
  );
}

function withNamespace(ctx: ObjectContext, obj: Unstructured, m: ResourceMapping): Unstructured {
  const meta = isRecord(obj["metadata"]) ? { ...obj["metadata"] } : {};
  if (!m.namespaced) delete meta["namespace"];
  else if (typeof meta["namespace"] !== "string" || meta["namespace"] === "") {
    if (ctx.defaultNamespace === undefined) {
      throw new ApplyError({
        code: "NAMESPACE_REQUIRED",
        message: `${subjectOf(refOf(obj))}: namespaced object without a namespace (give --namespace)`,
        subject: subjectOf(refOf(obj)),
      });
    }
    meta["namespace"] = ctx.defaultNamespace;
  }
  return { ...obj, metadata: meta };
}

async function dryRun(ctx: ObjectContext, m: ResourceMapping, obj: Unstructured): Promise<Unstructured> {
  return ctx.port.apply(m, obj, { fieldManager: ctx.fieldManager, force: true, dryRun: true, ...opts(ctx) });
}

async function deleteAndWait(ctx: ObjectContext, m: ResourceMapping, ref: ObjectRef): Promise<void> {
  await ctx.port.delete(m, ref.namespace, ref.name, { propagationPolicy: "Background", ...opts(ctx) });
  const deadline = ctx.clock.now() + ctx.timeoutMs;
  while ((await ctx.port.get(m, ref.namespace, ref.name, opts(ctx))) !== undefined) {
    if (ctx.clock.now() >= deadline) {
      throw new ApplyError({
        code: "APPLY_FAILED",
        message: `${subjectOf(ref)}: not deleted within ${ctx.timeoutMs} ms`,
        subject: subjectOf(ref),
      });
    }
    await ctx.clock.sleep(500, ctx.signal);
  }
}

function dryRunFailed(ref: ObjectRef, err: unknown): ApplyError {
  const e = err instanceof ApplyError ? err : undefined;
  return new ApplyError({
    code: "DRY_RUN_FAILED",
    message: `${subjectOf(ref)} dry-run failed: ${e?.message.replace(/^[^:]*: /, "") ?? String(err)}`,
    cause: err,
    subject: subjectOf(ref),
    ...(e?.status === undefined ? {} : { status: e.status }),
    ...(e?.reason === undefined ? {} : { reason: e.reason }),
  });
}

// Discovery may lag a CRD's Established condition by a moment: kinds defined in this apply are retried.
async function mappingOf(ctx: ObjectContext, obj: Unstructured): Promise<ResourceMapping | undefined> {
  const gvk = gvkOf(obj);
  const pending = ctx.pendingKinds.has(`${gvk.group}/${gvk.kind}`);
  const deadline = ctx.clock.now() + ctx.timeoutMs;
  for (;;) {
    try {
      return await ctx.port.mapping(gvk, opts(ctx));
    } catch (e) {
      const unknownKind = e instanceof ApplyError && e.code === "UNKNOWN_KIND";
      if (unknownKind && pending && ctx.dryRunOnly) return undefined;
      if (!unknownKind || !pending || ctx.clock.now() >= deadline) throw e;
      await ctx.clock.sleep(250, ctx.signal);
    }
  }
}

/**
 * Plans one object: reads it, dry-runs the apply and decides created/configured/unchanged/skipped. New objects
 * are dry-run too (as Flux does), so an invalid object fails its stage before anything in it is written.
 */
export async function planObject(ctx: ObjectContext, input: Unstructured): Promise<ObjectPlan> {
  const m = await mappingOf(ctx, input);
  if (m === undefined) {
    // A custom resource whose CRD is part of this (dry-run) apply: the server cannot judge it yet.
    return {
      ref: refOf(input),
      mapping: m,
      desired: input,
      live: undefined,
      merged: input,
      action: "created",
      reason: "its CRD is created by this apply",
      takeOver: [],
    };
  }
  const desired = withNamespace(ctx, input, m);
  const ref = { ...refOf(desired), namespace: m.namespaced ? namespaceOf(desired) : "" };
  let live = await ctx.live.get(m, ref.namespace, nameOf(desired), ctx.signal);
  const skip = skipApplyReason(desired, live);
  if (skip !== undefined) {
    return {
      ref,
      mapping: m,
      desired,
      live,
      merged: undefined,
      action: "skipped",
      reason: skip,
      takeOver: [],
    };
  }
  let merged: Unstructured;
  let reason: string | undefined;
  try {
    merged = await dryRun(ctx, m, desired);
  } catch (e) {
    const mayRecreate = ctx.force || isForceEnabled(desired) || isForceEnabled(live);
    if (live === undefined || !mayRecreate || !isImmutableError(e)) throw dryRunFailed(ref, e);
    reason = "recreated: immutable field changed";
    if (ctx.dryRunOnly) {
      return { ref, mapping: m, desired, live, merged: desired, action: "configured", reason, takeOver: [] };
    }
    await deleteAndWait(ctx, m, ref);
    live = undefined;
    merged = await dryRun(ctx, m, desired).catch((err: unknown) => {
      throw dryRunFailed(ref, err);
    });
  }
  const merge = ssaPolicyOf(desired) === "Merge" || ssaPolicyOf(live) === "Merge";
  const takeOver = live === undefined || merge ? [] : takeOverPatch(live, ctx.fieldManager, ctx.takeOver);
  const action =
    live === undefined
      ? "created"
      : hasDrifted(live, merged) || takeOver.length > 0
        ? "configured"
        : "unchanged";
  return {
    ref,
    mapping: m,
    desired,
    live,
    merged,
    action,
    takeOver,
    ...(reason === undefined ? {} : { reason }),
  };
}

/** Writes a plan: the managedFields takeover patch, then the apply (only for created/configured objects). */
export async function commitObject(ctx: ObjectContext, plan: ObjectPlan): Promise<ChangeSetEntry> {
  const m = plan.mapping;
  if (!ctx.dryRunOnly && m !== undefined && (plan.action === "created" || plan.action === "configured")) {
    try {
      if (plan.takeOver.length > 0) {
        await ctx.port.patch(m, plan.ref.namespace, plan.ref.name, plan.takeOver, {
          fieldManager: ctx.fieldManager,
          ...opts(ctx),
        });
      }
      await ctx.port.apply(m, plan.desired, {
        fieldManager: ctx.fieldManager,
        force: true,
        dryRun: false,
        ...opts(ctx),
      });
    } catch (e) {
      throw new ApplyError({
        code: "APPLY_FAILED",
        message: `${subjectOf(plan.ref)} apply failed: ${e instanceof Error ? e.message.replace(/^[^:]*: /, "") : String(e)}`,
        cause: e,
        subject: subjectOf(plan.ref),
      });
    }
  }
  return changeEntry(plan.ref, plan.action, plan.reason);
}
