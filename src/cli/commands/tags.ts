// SPDX-License-Identifier: Apache-2.0
import { clientFor, targetArg } from "../client.ts";
import { printJson, type CommandContext } from "../io.ts";

/** `ocisync tags URL`: every tag of a repository or layout, in the store's order. JSON: an array of strings. */
export async function runTags(url: string, ctx: CommandContext): Promise<number> {
  const target = targetArg(url);
  const repo = (await clientFor(ctx, target)).repository(target);
  const tags = await repo.tags({ signal: ctx.signal });
  if (ctx.flags.output === "json") printJson(ctx.io, tags);
  else for (const t of tags) ctx.io.stdout.write(`${t}\n`);
  return 0;
}
