// SPDX-License-Identifier: Apache-2.0
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../../core/index.ts";
import { kubeClientFromKubeconfig } from "../../apply/index.ts";
import { loadBundle, runSync, type AppReport, type SyncDeps } from "../../controller/index.ts";
import { OciClient, parseTarget, type Target } from "../../oci/index.ts";
import { loadTrustedRoot, type TrustedRoot } from "../../verify/index.ts";
import { proxyEnvOf } from "../client.ts";
import { ExitCode } from "../exit-codes.ts";
import { printJson, type CommandContext } from "../io.ts";
import { stdinOption } from "../stdin.ts";
import { kubeconfigPath } from "./apply.ts";
import { childEnv } from "./build.ts";

/** Flags of `ocisync sync`. */
export interface SyncFlags {
  readonly file: readonly string[];
  readonly renderTo?: string;
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly namespace?: string;
  readonly mirror: readonly string[];
  readonly kustomize?: string;
  readonly fieldManager?: string;
  readonly trustedRoot?: string;
}

/** Parses `--mirror oci://host/repo=oci-layout://DIR` (or another registry) into a map. */
export function parseMirrors(specs: readonly string[]): Map<string, Target> {
  const out = new Map<string, Target>();
  for (const s of specs) {
    const at = s.indexOf("=");
    if (at <= 0 || !s.startsWith("oci://")) {
      throw new ConfigError({
        code: "INVALID_ARGUMENT",
        message: `--mirror ${s}: expected oci://REGISTRY/REPO=TARGET`,
      });
    }
    out.set(s.slice(0, at), parseTarget(s.slice(at + 1)));
  }
  return out;
}

/**
 * `ocisync sync -f FILE|DIR...`: for each Flux Kustomization, in `dependsOn` order, resolve its OCIRepository,
 * verify, pull, build, then apply, prune and wait in the cluster — or, with `--render-to DIR`, write the manifests.
 */
export async function runSyncCommand(flags: SyncFlags, ctx: CommandContext): Promise<number> {
  if (flags.file.length === 0)
    throw new ConfigError({ code: "INVALID_ARGUMENT", message: "give at least one -f FILE|DIR" });
  if (flags.renderTo !== undefined && (flags.kubeconfig !== undefined || flags.context !== undefined)) {
    throw new ConfigError({
      code: "INVALID_ARGUMENT",
      message: "give either --render-to or --kubeconfig/--context, not both",
    });
  }
  const bundle = await loadBundle(
    flags.file,
    flags.namespace ?? "flux-system",
    stdinOption(ctx.io, flags.file),
  );
  for (const i of bundle.ignored)
    ctx.io.stderr.write(`note: not a Flux source or Kustomization, ignored: ${i}\n`);
  const workDir = await mkdtemp(join(tmpdir(), "ocisync-sync-"));
  try {
    let root: Promise<TrustedRoot> | undefined;
    const proxyEnv = proxyEnvOf(ctx);
    const deps: SyncDeps = {
      client: (o) => new OciClient({ ...o, proxyEnv, logger: ctx.logger, userAgent: "ocisync/0.1" }),
      mirrors: parseMirrors(flags.mirror),
      shippedRoot: () => (root ??= loadTrustedRoot(flags.trustedRoot)),
      workDir,
      signal: ctx.signal,
      kustomizePath: flags.kustomize ?? ctx.io.env.OCISYNC_KUSTOMIZE ?? "kustomize",
      kustomizeEnv: childEnv(ctx),
    };
    if (flags.renderTo === undefined) {
      const k = await kubeClientFromKubeconfig({
        kubeconfigPath: kubeconfigPath(ctx, flags.kubeconfig),
        ...(flags.context === undefined ? {} : { context: flags.context }),
        proxyEnv,
      });
      Object.assign(deps, { kube: k.client });
    }
    const reports = await runSync(
      bundle,
      {
        ...(flags.renderTo === undefined ? {} : { renderTo: flags.renderTo }),
        ...(flags.fieldManager === undefined ? {} : { fieldManager: flags.fieldManager }),
      },
      deps,
    );
    if (ctx.flags.output === "json") printJson(ctx.io, reports);
    else for (const r of reports) ctx.io.stdout.write(renderReport(r));
    return reports.some(
      (r) => r.status === "failed" || (r.status === "skipped" && r.error?.code !== "SUSPENDED"),
    )
      ? ExitCode.failure
      : ExitCode.ok;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/** One block of text per Kustomization: what was selected and why, what verified, what changed, health. */
export function renderReport(r: AppReport): string {
  const f = r.fetched;
  const lines = [`${r.kustomization}  ${r.status}${f === undefined ? "" : `  ${f.url}`}`];
  if (f !== undefined) {
    lines.push(
      `  revision   ${f.revision}${f.originRevision === undefined ? "" : `  (origin ${f.originRevision})`}`,
    );
    if (f.verdicts.length > 0) {
      const counts = new Map<string, number>();
      for (const v of f.verdicts) counts.set(v.verdict, (counts.get(v.verdict) ?? 0) + 1);
      lines.push(
        `  selection  ${f.verdicts.length} tags: ${[...counts].map(([k, n]) => `${n} ${k}`).join(", ")}`,
      );
      for (const v of f.verdicts.filter(
        (x) => x.verdict === "selected" || x.verdict === "unsigned" || x.verdict === "signature-rejected",
      )) {
        lines.push(`    ${v.tag}: ${v.reason ?? v.verdict}`);
      }
    }
    const s = f.verified;
    if (s !== undefined) {
      const who =
        s.key !== undefined
          ? `key ${s.key.name} (${s.key.id})`
          : `${s.identity?.subject ?? "?"} from ${s.identity?.issuer ?? "?"}`;
      lines.push(
        `  verified   ${who}, ${s.format === "bundle" ? "sigstore bundle" : "cosign .sig"}${s.tlog === undefined ? "" : `, log index ${s.tlog.logIndex}`}`,
      );
      for (const w of s.warnings) lines.push(`  warning    ${w}`);
    } else {
      lines.push("  verified   no (spec.verify is not set)");
    }
  }
  if (r.objects !== undefined)
    lines.push(`  build      ${r.objects} objects${r.renderedTo === undefined ? "" : ` -> ${r.renderedTo}`}`);
  for (const c of r.changes ?? []) lines.push(`  ${c.subject} ${c.action}`);
  for (const h of r.health ?? []) lines.push(`  health     ${h.subject} ${h.status}`);
  if (r.error !== undefined) lines.push(`  error      ${r.error.message} [${r.error.code}]`);
  return `${lines.join("\n")}\n`;
}
