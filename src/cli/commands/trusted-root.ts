// SPDX-License-Identifier: Apache-2.0
import { mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError } from "../../core/index.ts";
import {
  PUBLIC_GOOD_TRUSTED_ROOT_URL,
  PUBLIC_GOOD_TUF_MIRROR,
  fetchTrustedRootViaTuf,
  loadTrustedRoot,
  parseTrustedRoot,
} from "../../verify/index.ts";
import { printJson, type CommandContext } from "../io.ts";

/** `ocisync trusted-root show [--trusted-root FILE]`: the CAs, logs and TSAs a root holds and their validity. */
export async function runTrustedRootShow(
  flags: { readonly trustedRoot?: string },
  ctx: CommandContext,
): Promise<number> {
  const root = await loadTrustedRoot(flags.trustedRoot);
  const m = root.material;
  const window = (v: { start: Date; end: Date }) =>
    `${v.start.toISOString()} .. ${v.end.getTime() > 8e15 ? "open" : v.end.toISOString()}`;
  const summary = {
    source: root.source,
    certificateAuthorities: m.certificateAuthorities.map((c) => ({
      certificates: c.certChain.length,
      validFor: window(c.validFor),
    })),
    tlogs: m.tlogs.map((t) => ({
      baseUrl: t.baseURL,
      logId: t.logID.toString("hex"),
      validFor: window(t.validFor),
    })),
    ctlogs: m.ctlogs.map((t) => ({
      baseUrl: t.baseURL,
      logId: t.logID.toString("hex"),
      validFor: window(t.validFor),
    })),
    timestampAuthorities: m.timestampAuthorities.map((c) => ({
      certificates: c.certChain.length,
      validFor: window(c.validFor),
    })),
  };
  if (ctx.flags.output === "json") printJson(ctx.io, summary);
  else {
    const lines = [`trusted root: ${summary.source}`];
    for (const [k, list] of Object.entries(summary))
      if (Array.isArray(list)) lines.push(`  ${k}: ${String(list.length)}`);
    ctx.io.stdout.write(`${lines.join("\n")}\n`);
  }
  return 0;
}

/** Flags of `ocisync trusted-root update`. */
export interface TrustedRootUpdateFlags {
  /** A `trusted_root.json` file (e.g. from `cosign trusted-root create`); without it, TUF is used. */
  readonly from?: string;
  /** The TUF repository (default: the public-good one). */
  readonly tufMirror?: string;
  /** The trusted initial TUF `root.json` of that repository. */
  readonly tufRoot?: string;
  readonly outputFile?: string;
}

/**
 * `ocisync trusted-root update [--from FILE | --tuf-mirror URL --tuf-root FILE] [--output-file FILE]`: fetches
 * `trusted_root.json` through TUF (the public-good repository by default, verified from the root `@sigstore/tuf`
 * ships) or reads it from a file, validates it fully, and atomically replaces the shipped public-good snapshot (or
 * writes `--output-file`).
 */
export async function runTrustedRootUpdate(
  flags: TrustedRootUpdateFlags,
  ctx: CommandContext,
): Promise<number> {
  let text: string;
  let origin: string;
  if (flags.from !== undefined) {
    if (flags.tufMirror !== undefined || flags.tufRoot !== undefined) {
      throw new ConfigError({
        code: "INVALID_ARGUMENT",
        message: "give either --from or --tuf-mirror/--tuf-root",
      });
    }
    text = await readFile(flags.from, "utf8");
    parseTrustedRoot(text, flags.from);
    origin = flags.from;
  } else {
    const cachePath = await mkdtemp(join(tmpdir(), "ocisync-tuf-"));
    try {
      text = await fetchTrustedRootViaTuf({
        cachePath,
        ...(flags.tufMirror === undefined ? {} : { mirrorUrl: flags.tufMirror }),
        ...(flags.tufRoot === undefined ? {} : { rootPath: flags.tufRoot }),
        ...(ctx.flags.timeoutMs === undefined ? {} : { timeoutMs: ctx.flags.timeoutMs }),
      });
    } finally {
      await rm(cachePath, { recursive: true, force: true });
    }
    origin = `TUF ${flags.tufMirror ?? PUBLIC_GOOD_TUF_MIRROR}`;
  }
  const dest = flags.outputFile ?? fileURLToPath(PUBLIC_GOOD_TRUSTED_ROOT_URL);
  await writeFile(`${dest}.tmp`, text);
  await rename(`${dest}.tmp`, dest);
  ctx.io.stderr.write(`trusted root from ${origin} written to ${dest}\n`);
  return 0;
}
