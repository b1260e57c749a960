// SPDX-License-Identifier: Apache-2.0
import { copyArtifact } from "../../artifact/index.ts";
import type { Target } from "../../oci/index.ts";
import { clientFor, targetArg } from "../client.ts";
import { printJson, type CommandContext } from "../io.ts";
import { repositoryUrl } from "./push.ts";

function refOf(t: Target): { tag?: string | undefined; digest?: string | undefined } {
  return t.kind === "registry" ? { tag: t.ref.tag, digest: t.ref.digest } : { tag: t.tag, digest: t.digest };
}

/**
 * `ocisync copy SRC DST`: the artifact, its blobs, legacy cosign tags and referrers, between registries and
 * `oci-layout://` directories. DST keeps SRC's tag unless it names its own. JSON:
 * `{"src","dst","tag","digest","manifests","blobsCopied","blobsSkipped","signatureTags","referrers"}`.
 */
export async function runCopy(srcUrl: string, dstUrl: string, ctx: CommandContext): Promise<number> {
  const src = targetArg(srcUrl);
  const dst = targetArg(dstUrl);
  const s = refOf(src);
  const tag = refOf(dst).tag ?? s.tag;
  const srcRepo = (await clientFor(ctx, src)).repository(src);
  const dstRepo = (await clientFor(ctx, dst)).repository(dst);
  const sameRegistry =
    src.kind === "registry" && dst.kind === "registry" && src.ref.registry === dst.ref.registry;
  const r = await copyArtifact(srcRepo, s.digest ?? s.tag ?? "latest", dstRepo, tag, {
    mountFrom: sameRegistry ? src.ref.repository : undefined,
    signal: ctx.signal,
  });
  const out = {
    src: repositoryUrl(src),
    dst: repositoryUrl(dst),
    ...(tag === undefined ? {} : { tag }),
    digest: r.digest,
    manifests: r.manifests,
    blobsCopied: r.blobsCopied,
    blobsSkipped: r.blobsSkipped,
    signatureTags: r.signatureTags,
    referrers: r.referrers,
  };
  if (ctx.flags.output === "json") printJson(ctx.io, out);
  else {
    ctx.io.stderr.write(
      `✔ copied ${out.src}@${r.digest} to ${out.dst}${tag === undefined ? "" : `:${tag}`} (${r.manifests} manifests, ${r.blobsCopied} blobs sent, ${r.blobsSkipped} already there, ${r.signatureTags.length} signature tags, ${r.referrers.length} referrers)\n`,
    );
    ctx.io.stdout.write(`${out.dst}@${r.digest}\n`);
  }
  return 0;
}
