// SPDX-License-Identifier: Apache-2.0
import { isCdError } from "../../core/index.ts";
import { diffDeletion, diffObject, planAll, planApplySet, type ObjectDiff } from "../../apply/index.ts";
import { ExitCode } from "../exit-codes.ts";
import { printJson, type CommandContext } from "../io.ts";
import { TOOLING, applyOptionsOf, openSession, type KubeFlags } from "./apply.ts";

/** Exit codes of `ocisync diff` (DESIGN.md §6): 0 no changes, 1 changes, 2 any error. */
export const DiffExit = { same: 0, changed: 1, error: 2 } as const;

function report(ctx: CommandContext, e: unknown): number {
  const msg = e instanceof Error ? e.message : String(e);
  ctx.io.stderr.write(isCdError(e) ? `error: ${msg} [${e.code}]\n` : `error: ${msg}\n`);
  return DiffExit.error;
}

/**
 * `ocisync diff -f …`: server-side dry-runs of every object, printed as one unified diff per object that would
 * change (live → merged; Secret values masked). Exits 0 when nothing would change, 1 when something would,
 * 2 on any error (as `kubectl diff`).
 */
export async function runDiff(flags: KubeFlags, ctx: CommandContext): Promise<number> {
  let diffs: ObjectDiff[];
  try {
    const s = await openSession(ctx, flags);
    try {
      const o = applyOptionsOf(ctx, flags, s.namespace);
      if (flags.inventory === undefined) {
        diffs = (await planAll(s.client, s.objects, o)).objects.map(diffObject);
      } else {
        const plan = await planApplySet(s.client, s.objects, {
          ...o,
          parent: { kind: "Secret", name: flags.inventory, namespace: s.namespace },
          tooling: TOOLING,
          prune: flags.prune,
        });
        diffs = [
          ...plan.objects.map(diffObject),
          ...plan.pruned
            .filter((p) => p.entry.action === "deleted")
            .map((p) => diffDeletion(p.entry.subject, p.live)),
        ];
      }
    } finally {
      s.client.close();
    }
  } catch (e) {
    return report(ctx, e);
  }
  const changed = diffs.filter(
    (d) => d.action === "created" || d.action === "configured" || d.action === "deleted",
  );
  if (ctx.flags.output === "json") printJson(ctx.io, diffs);
  else for (const d of changed) ctx.io.stdout.write(d.diff);
  return changed.length > 0 ? DiffExit.changed : ExitCode.ok;
}
