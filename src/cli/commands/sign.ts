// SPDX-License-Identifier: Apache-2.0
import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline/promises";
import { ConfigError } from "../../core/index.ts";
import {
  isEncryptedCosignKey,
  keySigner,
  keyTlogSigner,
  keylessSigner,
  readPrivateKey,
  signArtifact,
  type ArtifactSigner,
} from "../../verify/index.ts";
import { clientFor, targetArg } from "../client.ts";
import { printJson, type CommandContext } from "../io.ts";
import { referenceOf } from "./verify.ts";

/** Flags of `ocisync sign`. */
export interface SignFlags {
  readonly key?: string;
  readonly keyless: boolean;
  /** Write the legacy `sha256-<hex>.sig` format instead of a bundle referrer. */
  readonly legacy: boolean;
  readonly fulcioUrl?: string;
  readonly rekorUrl?: string;
  readonly identityToken?: string;
  /** With `--key`: also log the signature in Rekor (`--rekor-url`), as `cosign sign --key` does by default. */
  readonly tlogUpload: boolean;
}

/** The signer the flags ask for: a key (cosign encrypted or PEM; optionally logged in Rekor) or keyless. */
export async function signerOf(
  flags: Omit<SignFlags, "legacy">,
  ctx: CommandContext,
): Promise<ArtifactSigner> {
  if ((flags.key === undefined) === !flags.keyless)
    throw new ConfigError({
      code: "INVALID_ARGUMENT",
      message: "give exactly one of --key FILE and --keyless",
    });
  if (flags.key !== undefined) {
    const text = await readFile(flags.key, "utf8");
    const password = isEncryptedCosignKey(text)
      ? await readPassword(ctx, "Enter password for private key: ")
      : undefined;
    const key = await readPrivateKey(text, password, flags.key);
    return flags.tlogUpload
      ? keyTlogSigner(key, flags.rekorUrl === undefined ? {} : { rekorUrl: flags.rekorUrl })
      : keySigner(key);
  }
  const token = flags.identityToken ?? ctx.io.env.SIGSTORE_ID_TOKEN;
  return keylessSigner({
    ...(flags.fulcioUrl === undefined ? {} : { fulcioUrl: flags.fulcioUrl }),
    ...(flags.rekorUrl === undefined ? {} : { rekorUrl: flags.rekorUrl }),
    ...(token === undefined ? {} : { identityToken: token }),
    env: ctx.io.env,
  });
}

/**
 * `ocisync sign URL`: signs the artifact's digest with a key (cosign encrypted or PEM) or keyless (Fulcio + Rekor) and
 * stores the signature as cosign v3 does (bundle referrer) or, with `--legacy`, in the `.sig` tag.
 */
export async function runSign(url: string, flags: SignFlags, ctx: CommandContext): Promise<number> {
  const target = targetArg(url);
  const signer = await signerOf(flags, ctx);
  const repo = (await clientFor(ctx, target)).repository(target);
  const subject = await repo.resolve(referenceOf(target), { signal: ctx.signal });
  const dockerReference = repo.name;
  const r = await signArtifact(repo, subject, signer, {
    format: flags.legacy ? "legacy" : "bundle",
    dockerReference,
    now: new Date(),
    signal: ctx.signal,
  });
  if (ctx.flags.output === "json")
    printJson(ctx.io, {
      url: repo.name,
      digest: subject.digest,
      format: r.format,
      signature: r.manifest.digest,
      ...(r.tag === undefined ? {} : { tag: r.tag }),
    });
  else
    ctx.io.stdout.write(
      `Signed ${repo.name}@${subject.digest} (${r.format === "bundle" ? "bundle referrer" : `legacy ${r.tag ?? ""}`}: ${r.manifest.digest})\n`,
    );
  return 0;
}

/** The key password: `COSIGN_PASSWORD` (as cosign), else a prompt on a terminal; never echoed or logged. */
export async function readPassword(ctx: CommandContext, prompt: string): Promise<string> {
  const env = ctx.io.env.COSIGN_PASSWORD;
  if (env !== undefined) return env;
  if (!process.stdin.isTTY)
    throw new ConfigError({
      code: "INVALID_ARGUMENT",
      message: "set COSIGN_PASSWORD (no terminal to prompt on)",
    });
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  try {
    return await rl.question(prompt);
  } finally {
    rl.close();
  }
}
