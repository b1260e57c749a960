// SPDX-License-Identifier: Apache-2.0
import { ConfigError } from "../../core/index.ts";
import { pullArtifact } from "../../artifact/index.ts";
import { clientFor, targetArg } from "../client.ts";
import { printJson, type CommandContext } from "../io.ts";
import { repositoryUrl } from "./push.ts";

/** Flags of `ocisync pull` (`spec.layerSelector` of an OCIRepository). */
export interface PullFlags {
  readonly output: string;
  readonly layerMediaType?: string;
  readonly layerOperation?: string;
}

/**
 * `ocisync pull URL(:TAG|@DIGEST) --output DIR`: resolves the tag once, pulls by digest, extracts the selected
 * layer into a temp dir and renames it to DIR. Prints the revision, or with `-o json`
 * `{"url","tag","digest","revision","source","originRevision","annotations","output"}`.
 */
export async function runPull(url: string, flags: PullFlags, ctx: CommandContext): Promise<number> {
  const target = targetArg(url);
  const op = flags.layerOperation ?? "extract";
  if (op !== "extract" && op !== "copy") throw new ConfigError({ code: "INVALID_ARGUMENT", message: "--layer-operation: want extract or copy" });
  const ref = target.kind === "registry" ? { tag: target.ref.tag, digest: target.ref.digest } : { tag: target.tag, digest: target.digest };
  const repo = (await clientFor(ctx, target)).repository(target);
  const r = await pullArtifact(repo, ref, flags.output, { layerMediaType: flags.layerMediaType, operation: op, signal: ctx.signal });
  const base = repositoryUrl(target);
  if (ctx.flags.output === "json") {
    printJson(ctx.io, {
      url: base,
      ...(r.tag === undefined ? {} : { tag: r.tag }),
      digest: r.digest,
      revision: r.revision,
      ...(r.source === undefined ? {} : { source: r.source }),
      ...(r.originRevision === undefined ? {} : { originRevision: r.originRevision }),
      annotations: r.annotations,
      output: r.output,
    });
  } else {
    if (r.source !== undefined) ctx.io.stderr.write(`✔ source ${r.source}\n`);
    if (r.originRevision !== undefined) ctx.io.stderr.write(`✔ revision ${r.originRevision}\n`);
    ctx.io.stderr.write(`✔ artifact content extracted to ${r.output}\n`);
    ctx.io.stdout.write(`${r.revision}\n`);
  }
  return 0;
}
