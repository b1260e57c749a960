// SPDX-License-Identifier: Apache-2.0
import { ConfigError } from "../../core/index.ts";
import { tagArtifact } from "../../artifact/index.ts";
import { clientFor, targetArg } from "../client.ts";
import { printJson, type CommandContext } from "../io.ts";
import { repositoryUrl } from "./push.ts";

/** `ocisync tag URL:TAG NEWTAG...`: the same manifest under more tags. JSON: `{"url","digest","tags"}`. */
export async function runTag(url: string, newTags: readonly string[], ctx: CommandContext): Promise<number> {
  const target = targetArg(url);
  const ref =
    target.kind === "registry" ? (target.ref.digest ?? target.ref.tag) : (target.digest ?? target.tag);
  if (ref === undefined)
    throw new ConfigError({
      code: "INVALID_ARGUMENT",
      message: `${url}: give the tag (or digest) to add tags to`,
    });
  for (const t of newTags)
    targetArg(
      target.kind === "registry"
        ? `${target.ref.registry}/${target.ref.repository}:${t}`
        : `oci-layout://${target.dir}:${t}`,
    );
  const repo = (await clientFor(ctx, target)).repository(target);
  const digest = await tagArtifact(repo, ref, newTags, { signal: ctx.signal });
  const base = repositoryUrl(target);
  if (ctx.flags.output === "json") printJson(ctx.io, { url: base, digest, tags: newTags });
  else for (const t of newTags) ctx.io.stderr.write(`✔ artifact tagged as ${base}:${t}\n`);
  return 0;
}
