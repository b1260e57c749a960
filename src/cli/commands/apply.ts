// SPDX-License-Identifier: Apache-2.0
import { join } from "node:path";
import { ConfigError } from "../../core/index.ts";
import {
  ApplyError,
  applyAll,
  applySet,
  formatChange,
  healthTargets,
  kubeClientFromKubeconfig,
  readManifests,
  waitForHealthy,
  type ApplyResult,
  type ChangeSet,
  type HealthReport,
  type KubeClient,
  type Unstructured,
} from "../../apply/index.ts";
import { proxyEnvOf } from "../client.ts";
import { printJson, type CommandContext } from "../io.ts";
import { stdinOption } from "../stdin.ts";

/** Flags shared by `apply` and `diff`. */
export interface KubeFlags {
  readonly file: readonly string[];
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly namespace?: string;
  readonly fieldManager?: string;
  readonly force: boolean;
  readonly inventory?: string;
  readonly prune: boolean;
}

/** Flags of `ocisync apply`. */
export interface ApplyFlags extends KubeFlags {
  readonly wait: boolean;
}

/** The ApplySet tooling annotation the CLI writes. */
export const TOOLING = "ocisync/v0.1.0";

/** Flux's CLI default `--timeout` (5m), used for `--wait` when no `--timeout` is given. */
export const DEFAULT_WAIT_MS = 5 * 60_000;

/** The cluster connection and the objects of `-f`, as `apply` and `diff` both need them. */
export interface KubeSession {
  readonly client: KubeClient;
  readonly namespace: string;
  readonly objects: Unstructured[];
}

/** `--kubeconfig`, else the first file of `$KUBECONFIG`, else `~/.kube/config`. */
export function kubeconfigPath(ctx: CommandContext, flag: string | undefined): string {
  if (flag !== undefined) return flag;
  const env = ctx.io.env["KUBECONFIG"]?.split(":").find((p) => p !== "");
  return env ?? join(ctx.io.homedir, ".kube", "config");
}

/** Checks the flags, reads the manifests, connects. */
export async function openSession(ctx: CommandContext, flags: KubeFlags): Promise<KubeSession> {
  if (flags.file.length === 0) {
    throw new ConfigError({ code: "INVALID_ARGUMENT", message: "give at least one -f FILE|DIR" });
  }
  if (flags.prune && flags.inventory === undefined) {
    throw new ConfigError({
      code: "INVALID_ARGUMENT",
      message: "--prune needs --inventory NAME (the ApplySet that records what was applied)",
    });
  }
  const objects = await readManifests(flags.file, stdinOption(ctx.io, flags.file));
  const k = await kubeClientFromKubeconfig({
    kubeconfigPath: kubeconfigPath(ctx, flags.kubeconfig),
    ...(flags.context === undefined ? {} : { context: flags.context }),
    proxyEnv: proxyEnvOf(ctx),
  });
  return { client: k.client, namespace: flags.namespace ?? k.namespace ?? "default", objects };
}

/** The apply options the flags ask for. */
export function applyOptionsOf(ctx: CommandContext, flags: KubeFlags, namespace: string) {
  return {
    defaultNamespace: namespace,
    force: flags.force,
    signal: ctx.signal,
    ...(flags.fieldManager === undefined ? {} : { fieldManager: flags.fieldManager }),
  };
}

function printChanges(ctx: CommandContext, cs: ChangeSet): void {
  for (const e of cs.entries) ctx.io.stdout.write(`${formatChange(e)}\n`);
}

function printHealth(ctx: CommandContext, h: HealthReport): void {
  for (const e of h.entries) ctx.io.stdout.write(`${e.subject} ${e.status}: ${e.message}\n`);
}

async function run(
  ctx: CommandContext,
  flags: ApplyFlags,
  s: KubeSession,
  started: number,
): Promise<{ applied: ApplyResult; health?: HealthReport }> {
  const o = applyOptionsOf(ctx, flags, s.namespace);
  const applied =
    flags.inventory === undefined
      ? await applyAll(s.client, s.objects, o)
      : await applySet(s.client, s.objects, {
          ...o,
          parent: { kind: "Secret", name: flags.inventory, namespace: s.namespace },
          tooling: TOOLING,
          prune: flags.prune,
        });
  if (!flags.wait) return { applied };
  // The wait ends a moment before the command's own --timeout, so it can say what it waited for.
  const budget = (ctx.flags.timeoutMs ?? DEFAULT_WAIT_MS) - (Date.now() - started) - 250;
  try {
    const health = await waitForHealthy(s.client, healthTargets(applied.objects), {
      timeoutMs: Math.max(0, budget),
      signal: ctx.signal,
      pollMs: 2000,
    });
    return { applied, health };
  } catch (e) {
    if (e instanceof ApplyError && e.code === "HEALTH_CHECK_FAILED") {
      throw new ApplyError({
        code: e.code,
        message: e.message,
        cause: e,
        changeSet: applied.changeSet,
        ...(e.health === undefined ? {} : { health: e.health }),
      });
    }
    throw e;
  }
}

/**
 * `ocisync apply -f …`: staged server-side apply, optionally recorded in an ApplySet (`--inventory`) and
 * pruned (`--prune`), then waited for (`--wait`). Prints one `Kind/ns/name action` line per object.
 */
export async function runApply(flags: ApplyFlags, ctx: CommandContext): Promise<number> {
  const started = Date.now();
  const s = await openSession(ctx, flags);
  try {
    const { applied, health } = await run(ctx, flags, s, started);
    if (ctx.flags.output === "json")
      printJson(ctx.io, {
        entries: applied.changeSet.entries,
        ...(health === undefined ? {} : { health: health.entries }),
      });
    else {
      printChanges(ctx, applied.changeSet);
      if (health !== undefined) printHealth(ctx, health);
    }
    return 0;
  } catch (e) {
    // What was done before the failure is still data: print it, then let main report the error.
    if (e instanceof ApplyError && (e.changeSet !== undefined || e.health !== undefined)) {
      if (ctx.flags.output === "json")
        printJson(ctx.io, {
          entries: e.changeSet?.entries ?? [],
          ...(e.health === undefined ? {} : { health: e.health.entries }),
        });
      else {
        if (e.changeSet !== undefined) printChanges(ctx, e.changeSet);
        if (e.health !== undefined) printHealth(ctx, e.health);
      }
    }
    throw e;
  } finally {
    s.client.close();
  }
}
