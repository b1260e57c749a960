// SPDX-License-Identifier: Apache-2.0
import { ConfigError, DEFAULT_LIMITS } from "../../core/index.ts";
import { pullArtifact } from "../../artifact/index.ts";
import { clientFor, targetArg } from "../client.ts";
import { printJson, type CommandContext } from "../io.ts";
import { progressBar } from "../progress.ts";
import { repositoryUrl } from "./push.ts";

/** Flags of `ocisync pull` (`spec.layerSelector` of an OCIRepository). */
export interface PullFlags {
  readonly output: string;
  readonly layerMediaType?: string;
  readonly layerOperation?: string;
  readonly maxExtractedSize?: string;
  readonly maxEntries?: string;
}

const UNITS: Readonly<Record<string, number>> = {
  "": 1,
  k: 1e3,
  ki: 1024,
  m: 1e6,
  mi: 1024 ** 2,
  g: 1e9,
  gi: 1024 ** 3,
};

/** `512Mi`, `2Gi`, `100M`, `1048576` → bytes (Kubernetes quantity suffixes, binary and decimal). */
export function parseSize(s: string, flag: string): number {
  const m = /^(\d+)([kKmMgG]i?)?$/.exec(s.trim());
  const unit = UNITS[(m?.[2] ?? "").toLowerCase()];
  if (m === null || unit === undefined)
    throw new ConfigError({
      code: "INVALID_ARGUMENT",
      message: `${flag}: want a size like 512Mi or 2Gi, got ${JSON.stringify(s)}`,
    });
  return Number(m[1]) * unit;
}

/**
 * `ocisync pull URL(:TAG|@DIGEST) --output DIR`: resolves the tag once, pulls by digest, extracts the selected
 * layer into a temp dir and renames it to DIR. Prints the revision, or with `-o json`
 * `{"url","tag","digest","revision","source","originRevision","annotations","output"}`.
 */
export async function runPull(url: string, flags: PullFlags, ctx: CommandContext): Promise<number> {
  const target = targetArg(url);
  const op = flags.layerOperation ?? "extract";
  if (op !== "extract" && op !== "copy")
    throw new ConfigError({ code: "INVALID_ARGUMENT", message: "--layer-operation: want extract or copy" });
  const ref =
    target.kind === "registry"
      ? { tag: target.ref.tag, digest: target.ref.digest }
      : { tag: target.tag, digest: target.digest };
  const repo = (await clientFor(ctx, target)).repository(target);
  const limits = {
    ...DEFAULT_LIMITS,
    ...(flags.maxExtractedSize === undefined
      ? {}
      : { extractedBytes: parseSize(flags.maxExtractedSize, "--max-extracted-size") }),
    ...(flags.maxEntries === undefined
      ? {}
      : { extractedEntries: parseSize(flags.maxEntries, "--max-entries") }),
  };
  const bar = progressBar(ctx.io, "pull");
  let r;
  try {
    r = await pullArtifact(repo, ref, flags.output, {
      layerMediaType: flags.layerMediaType,
      operation: op,
      limits,
      signal: ctx.signal,
      onProgress: (done, total) => {
        bar.update(done, total);
      },
    });
  } finally {
    bar.done();
  }
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
