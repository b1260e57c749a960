// SPDX-License-Identifier: Apache-2.0
import { ConfigError } from "../../core/index.ts";
import { formatTarget, type Target } from "../../oci/index.ts";
import { refKind, revisionOf, selectTag, type OciRef, type TagVerdict } from "../../semver/index.ts";
import { clientFor, targetArg } from "../client.ts";
import { printJson, type CommandContext } from "../io.ts";

/** Flags of `ocisync resolve`, named after Flux's `OCIRepository.spec.ref`. */
export interface ResolveFlags {
  readonly tag?: string;
  readonly semver?: string;
  readonly semverFilter?: string;
  readonly digest?: string;
  readonly explain: boolean;
}

/** What `resolve` prints with `-o json` (plus `explain` when asked). */
export interface ResolveResult {
  readonly url: string;
  readonly tag?: string;
  readonly digest: string;
  readonly revision: string;
  readonly explain?: readonly TagVerdict[];
}

function refOf(target: Target, flags: ResolveFlags): OciRef {
  const inUrl =
    target.kind === "registry"
      ? { tag: target.ref.tag, digest: target.ref.digest }
      : { tag: target.tag, digest: target.digest };
  const given = [flags.tag, flags.semver, flags.digest].filter((v) => v !== undefined).length;
  if (given > 1)
    throw new ConfigError({
      code: "INVALID_ARGUMENT",
      message: "give at most one of --tag, --semver, --digest",
    });
  if (flags.semverFilter !== undefined && flags.semver === undefined) {
    throw new ConfigError({ code: "INVALID_ARGUMENT", message: "--semver-filter needs --semver" });
  }
  if (given === 1 && (inUrl.tag !== undefined || inUrl.digest !== undefined)) {
    throw new ConfigError({
      code: "INVALID_ARGUMENT",
      message: "the URL already names a tag or digest; drop it or the ref flag",
    });
  }
  const ref: Record<string, string> = {};
  const set = (k: keyof OciRef, v: string | undefined) => {
    if (v !== undefined) ref[k] = v;
  };
  set("tag", flags.tag ?? inUrl.tag);
  set("semver", flags.semver);
  set("semverFilter", flags.semverFilter);
  set("digest", flags.digest ?? inUrl.digest);
  return ref;
}

/**
 * `ocisync resolve URL`: picks what Flux's OCIRepository would pick (digest > semver > tag > latest) and prints
 * the revision `<tag>@<digest>`. With `--explain`, every tag seen and its verdict.
 */
export async function runResolve(url: string, flags: ResolveFlags, ctx: CommandContext): Promise<number> {
  const target = targetArg(url);
  const repo = (await clientFor(ctx, target)).repository(target);
  const kind = refKind(refOf(target, flags));
  const opts = { signal: ctx.signal };
  let tag: string | undefined;
  let explain: readonly TagVerdict[] | undefined;
  if (kind.kind === "semver") {
    const tags = await repo.tags(opts);
    const sel = selectTag(tags, kind.range, {
      ...(kind.filter === undefined ? {} : { filter: kind.filter }),
      explain: flags.explain,
    });
    tag = sel.tag;
    if (flags.explain) explain = sel.verdicts;
  } else if (kind.kind === "tag") {
    tag = kind.tag;
  }
  const desc = await repo.resolve(kind.kind === "digest" ? kind.digest : (tag ?? "latest"), opts);
  const base =
    target.kind === "registry"
      ? formatTarget({
          kind: "registry",
          ref: { registry: target.ref.registry, repository: target.ref.repository },
        })
      : formatTarget({ kind: "layout", dir: target.dir });
  const result: ResolveResult = {
    url: base,
    ...(tag === undefined ? {} : { tag }),
    digest: desc.digest,
    revision: revisionOf(tag, desc.digest),
    ...(explain === undefined ? {} : { explain }),
  };
  if (ctx.flags.output === "json") printJson(ctx.io, result);
  else printText(ctx, result);
  return 0;
}

function printText(ctx: CommandContext, r: ResolveResult): void {
  if (r.explain !== undefined) {
    const width = Math.max(3, ...r.explain.map((v) => v.tag.length));
    ctx.io.stdout.write(`${"TAG".padEnd(width)}  VERDICT              REASON\n`);
    for (const v of r.explain) {
      ctx.io.stdout.write(
        `${v.tag.padEnd(width)}  ${v.verdict.padEnd(19)}  ${v.reason ?? ""}\n`.replace(/\s+\n$/, "\n"),
      );
    }
    ctx.io.stdout.write("\n");
  }
  ctx.io.stdout.write(`${r.revision}\n`);
}
