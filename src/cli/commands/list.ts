// SPDX-License-Identifier: Apache-2.0
import { listArtifacts } from "../../artifact/index.ts";
import { clientFor, targetArg } from "../client.ts";
import { printJson, type CommandContext } from "../io.ts";
import { repositoryUrl } from "./push.ts";

/**
 * `ocisync list URL [--semver RANGE]`: a table `ARTIFACT DIGEST SOURCE REVISION` as `flux list artifacts`
 * prints it; JSON: an array of `{"tag","digest","mediaType","source","revision","created"}`.
 */
export async function runList(url: string, flags: { semver?: string }, ctx: CommandContext): Promise<number> {
  const target = targetArg(url);
  const repo = (await clientFor(ctx, target)).repository(target);
  const items = await listArtifacts(repo, { semver: flags.semver, signal: ctx.signal });
  if (ctx.flags.output === "json") {
    printJson(ctx.io, items);
    return 0;
  }
  const base = repositoryUrl(target).replace(/^oci:\/\//, "");
  const rows = [
    ["ARTIFACT", "DIGEST", "SOURCE", "REVISION"],
    ...items.map((i) => [`${base}:${i.tag}`, i.digest, i.source ?? "", i.revision ?? ""]),
  ];
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  for (const r of rows)
    ctx.io.stdout.write(
      `${r
        .map((v, c) => (c < 3 ? v.padEnd(widths[c] ?? 0) : v))
        .join("\t")
        .trimEnd()}\n`,
    );
  return 0;
}
