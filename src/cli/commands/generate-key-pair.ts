// SPDX-License-Identifier: Apache-2.0
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { generateCosignKeyPair } from "../../verify/index.ts";
import { printJson, type CommandContext } from "../io.ts";
import { readPassword } from "./sign.ts";

/**
 * `ocisync generate-key-pair`: writes `<prefix>.key` (cosign's encrypted format, password from `COSIGN_PASSWORD` or a
 * prompt) and `<prefix>.pub` in the working directory, refusing to overwrite, like `cosign generate-key-pair`.
 */
export async function runGenerateKeyPair(
  flags: { readonly outputKeyPrefix: string },
  ctx: CommandContext,
): Promise<number> {
  const password = await readPassword(ctx, "Enter password for private key: ");
  const pair = await generateCosignKeyPair(password);
  const keyPath = join(ctx.io.cwd, `${flags.outputKeyPrefix}.key`);
  const pubPath = join(ctx.io.cwd, `${flags.outputKeyPrefix}.pub`);
  await writeFile(keyPath, pair.privateKeyPem, { flag: "wx", mode: 0o600 });
  await writeFile(pubPath, pair.publicKeyPem, { flag: "wx", mode: 0o644 });
  if (ctx.flags.output === "json") printJson(ctx.io, { privateKey: keyPath, publicKey: pubPath });
  else ctx.io.stderr.write(`Private key written to ${keyPath}\nPublic key written to ${pubPath}\n`);
  return 0;
}
