// SPDX-License-Identifier: Apache-2.0
import { ConfigError } from "../../core/index.ts";
import { isArtifactError, parseAnnotations, pushArtifact } from "../../artifact/index.ts";
import { formatTarget, type Target } from "../../oci/index.ts";
import { clientFor, targetArg } from "../client.ts";
import { printJson, type CommandContext } from "../io.ts";
import { progressBar } from "../progress.ts";
import type { ArtifactSigner } from "../../verify/index.ts";
import type { Descriptor } from "../../core/index.ts";
import type { Repository } from "../../oci/index.ts";

/** Flags of `ocisync push`, named as `flux push artifact` names them. */
export interface PushFlags {
  readonly source?: string;
  readonly revision?: string;
  readonly annotation?: readonly string[];
  readonly ignorePaths?: string;
  readonly sourceignore: boolean;
  readonly reproducible: boolean;
  readonly gzip?: string;
  /** Sign what was pushed with this key (`ocisync sign --key`). */
  readonly signKey?: string;
  /** Sign what was pushed keyless (`ocisync sign --keyless`). */
  readonly signKeyless?: boolean;
  /** Write the signature in the legacy `.sig` format. */
  readonly signLegacy?: boolean;
  readonly fulcioUrl?: string;
  readonly rekorUrl?: string;
  readonly identityToken?: string;
}

/** Signs the pushed manifest as `ocisync sign` would (bundle referrer, or `.sig` with `--sign-legacy`). */
async function signPushed(
  repo: Repository,
  manifest: Descriptor,
  signer: ArtifactSigner,
  flags: PushFlags,
  ctx: CommandContext,
): Promise<{ format: string; digest: string }> {
  const { signArtifact } = await import("../../verify/index.ts");
  const format = flags.signLegacy === true ? "legacy" : "bundle";
  const signed = await signArtifact(repo, manifest, signer, {
    format,
    dockerReference: repo.name,
    now: new Date(),
    signal: ctx.signal,
  });
  return { format: signed.format, digest: signed.manifest.digest };
}

/** The signer for `--sign-key`/`--sign-keyless`, made before anything is pushed (a bad key pushes nothing). */
async function pushSigner(flags: PushFlags, ctx: CommandContext): Promise<ArtifactSigner | undefined> {
  if (flags.signKey === undefined && flags.signKeyless !== true) return undefined;
  const { signerOf } = await import("./sign.ts");
  return signerOf(
    {
      ...(flags.signKey === undefined ? {} : { key: flags.signKey }),
      keyless: flags.signKeyless === true,
      tlogUpload: false,
      ...(flags.fulcioUrl === undefined ? {} : { fulcioUrl: flags.fulcioUrl }),
      ...(flags.rekorUrl === undefined ? {} : { rekorUrl: flags.rekorUrl }),
      ...(flags.identityToken === undefined ? {} : { identityToken: flags.identityToken }),
    },
    ctx,
  );
}

/** `oci://host/repo` or `oci-layout://dir`, without tag or digest. */
export function repositoryUrl(target: Target): string {
  return target.kind === "registry"
    ? formatTarget({
        kind: "registry",
        ref: { registry: target.ref.registry, repository: target.ref.repository },
      })
    : formatTarget({ kind: "layout", dir: target.dir });
}

function annotationsOf(flags: PushFlags): Record<string, string> {
  try {
    return parseAnnotations(flags.annotation ?? []);
  } catch (err) {
    if (isArtifactError(err))
      throw new ConfigError({
        code: "INVALID_ARGUMENT",
        message: `--annotation: ${err.message}`,
        cause: err,
      });
    throw err;
  }
}

/**
 * `ocisync push DIR|FILE URL:TAG`: packs like `flux push artifact` and pushes; prints `REPO@DIGEST`, or with
 * `-o json` `{"url","repository","tag","digest"}` (Flux's shape; `url` is `oci://REPO@DIGEST`).
 */
export async function runPush(
  path: string,
  url: string,
  flags: PushFlags,
  ctx: CommandContext,
): Promise<number> {
  const target = targetArg(url);
  const tag = target.kind === "registry" ? target.ref.tag : target.tag;
  if (tag === undefined)
    throw new ConfigError({ code: "INVALID_ARGUMENT", message: `${url}: give a tag (URL:TAG)` });
  const annotations = annotationsOf(flags);
  if (flags.gzip !== undefined && flags.gzip !== "go" && flags.gzip !== "zlib")
    throw new ConfigError({ code: "INVALID_ARGUMENT", message: "--gzip: want go or zlib" });
  const signer = await pushSigner(flags, ctx);
  const repo = (await clientFor(ctx, target)).repository(target);
  const bar = progressBar(ctx.io, "push");
  let result;
  try {
    result = await pushArtifact(repo, path, tag, {
      source: flags.source,
      revision: flags.revision,
      annotations,
      ignorePaths:
        flags.ignorePaths === undefined ? undefined : flags.ignorePaths.split(",").filter((p) => p !== ""),
      sourceIgnore: flags.sourceignore,
      reproducible: flags.reproducible,
      gzip: flags.gzip,
      signal: ctx.signal,
      onProgress: (p) => {
        if (p.phase === "pack") bar.phase("packing");
        else bar.update(p.done, p.total);
      },
    });
  } finally {
    bar.done();
  }
  const base = repositoryUrl(target);
  const signature =
    signer === undefined ? undefined : await signPushed(repo, result.manifest, signer, flags, ctx);
  if (ctx.flags.output === "json") {
    printJson(ctx.io, {
      url: `${base}@${result.digest}`,
      repository: base,
      tag,
      digest: result.digest,
      ...(signature === undefined ? {} : { signature }),
    });
  } else {
    ctx.io.stderr.write(
      `✔ artifact successfully pushed to ${base}:${tag} (layer ${result.uploaded.layer})\n`,
    );
    if (signature !== undefined) ctx.io.stderr.write(`✔ signed (${signature.format}: ${signature.digest})\n`);
    ctx.io.stdout.write(`${base}@${result.digest}\n`);
  }
  return 0;
}
