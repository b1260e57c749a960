// SPDX-License-Identifier: Apache-2.0
import { readFile, rename, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { PUBLIC_GOOD_TRUSTED_ROOT_URL, loadTrustedRoot, parseTrustedRoot } from "../../verify/index.ts";
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

/**
 * `ocisync trusted-root update --from FILE [--output FILE]`: validates a `trusted_root.json` (from TUF, e.g.
 * `tuf-repo-cdn.sigstore.dev` target `trusted_root.json`, or `cosign trusted-root create`) and replaces the shipped
 * public-good snapshot (or writes `--output`). The file is checked fully before the atomic rename.
 */
export async function runTrustedRootUpdate(
  flags: { readonly from: string; readonly output?: string },
  ctx: CommandContext,
): Promise<number> {
  const text = await readFile(flags.from, "utf8");
  parseTrustedRoot(text, flags.from);
  const dest = flags.output ?? fileURLToPath(PUBLIC_GOOD_TRUSTED_ROOT_URL);
  await writeFile(`${dest}.tmp`, text);
  await rename(`${dest}.tmp`, dest);
  ctx.io.stderr.write(`trusted root written to ${dest}\n`);
  return 0;
}
