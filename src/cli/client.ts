// SPDX-License-Identifier: Apache-2.0
import { join } from "node:path";
import { ConfigError, proxyEnvFrom, type ProxyEnv } from "../core/index.ts";
import {
  OciClient,
  chainCredentials,
  dockerConfigCredentials,
  loadDockerConfig,
  parseTarget,
  parseUserPassword,
  staticCredentials,
  type CredentialProvider,
  type Target,
} from "../oci/index.ts";
import type { CommandContext } from "./io.ts";

/** Parses a command's URL argument (`oci://…`, `host/repo…`, `oci-layout://DIR…`); a bad one is a usage error. */
export function targetArg(url: string): Target {
  return parseTarget(url);
}

/**
 * The credentials a command uses: `--creds` for the target's registry first, then the docker config
 * (`--docker-config DIR`, else `$DOCKER_CONFIG`, else `~/.docker`), with its credential helpers.
 */
export async function credentialsFor(ctx: CommandContext, target: Target): Promise<CredentialProvider> {
  const providers: CredentialProvider[] = [];
  if (ctx.flags.creds !== undefined) {
    const cred = parseUserPassword(ctx.flags.creds);
    if (cred === undefined)
      throw new ConfigError({ code: "INVALID_ARGUMENT", message: "--creds: expected user:password" });
    if (target.kind === "registry") providers.push(staticCredentials(target.ref.registry, cred));
  }
  const dir = ctx.flags.dockerConfig ?? ctx.io.env.DOCKER_CONFIG ?? join(ctx.io.homedir, ".docker");
  const config = await loadDockerConfig(dir);
  providers.push(dockerConfigCredentials(config, { source: join(dir, "config.json") }));
  return chainCredentials(...providers);
}

/**
 * The proxy settings registry and API-server requests use: `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` (either
 * case) from the environment, read as Go programs read them; `undefined` when no proxy is set.
 */
export function proxyEnvOf(ctx: CommandContext): ProxyEnv | undefined {
  return proxyEnvFrom(ctx.io.env);
}

/** A client configured from the global flags and the proxy environment for one target. */
export async function clientFor(ctx: CommandContext, target: Target): Promise<OciClient> {
  return new OciClient({
    plainHttp: ctx.flags.plainHttp,
    proxyEnv: proxyEnvOf(ctx),
    credentials: await credentialsFor(ctx, target),
    logger: ctx.logger,
    userAgent: "ocisync/0.1",
  });
}
