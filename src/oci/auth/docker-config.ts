// SPDX-License-Identifier: Apache-2.0
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { OciError } from "../errors.ts";
import { canonicalRegistry, credentialServerUrl, parseUserPassword } from "./credentials.ts";
import type { Credential, CredentialProvider } from "./credentials.ts";

/** The parts of docker's `config.json` that hold credentials. */
export interface DockerConfig {
  readonly auths?: Readonly<Record<string, DockerAuthEntry>>;
  readonly credsStore?: string;
  readonly credHelpers?: Readonly<Record<string, string>>;
}

/** One `auths` entry. */
export interface DockerAuthEntry {
  readonly auth?: string;
  readonly username?: string;
  readonly password?: string;
  readonly identitytoken?: string;
  readonly registrytoken?: string;
}

/** Runs `docker-credential-<helper> get` for a server URL; undefined when the helper has no credential. */
export type CredentialHelperRunner = (
  helper: string,
  serverUrl: string,
  signal?: AbortSignal,
) => Promise<Credential | undefined>;

/** Reads `DIR/config.json`; a missing file is an empty config. Contents never appear in errors. */
export async function loadDockerConfig(dir: string): Promise<DockerConfig> {
  const file = join(dir, "config.json");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw new OciError({
      code: "CREDENTIALS_ERROR",
      message: `cannot read docker config ${file}`,
      cause: err,
    });
  }
  return parseDockerConfig(text, file);
}

/** Validates the shape of a docker config document (also the `.dockerconfigjson` of a Kubernetes Secret). */
export function parseDockerConfig(text: string, source: string): DockerConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new OciError({ code: "CREDENTIALS_ERROR", message: `${source} is not valid JSON` });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new OciError({ code: "CREDENTIALS_ERROR", message: `${source} is not a JSON object` });
  }
  return parsed;
}

/** Strips scheme and path from an `auths` key (`https://host/v1/` → `host`), as oras-go `ToHostname`. */
function hostOfKey(key: string): string {
  return canonicalRegistry(key.replace(/^[a-z]+:\/\//i, "").replace(/\/.*$/, ""));
}

function fromAuthEntry(e: DockerAuthEntry, source: string): Credential | undefined {
  if (e.registrytoken) return { kind: "registry-token", token: e.registrytoken };
  let user = e.username;
  let pass = e.password;
  if (e.auth) {
    const c = parseUserPassword(Buffer.from(e.auth, "base64").toString("utf8"));
    if (c?.kind !== "basic")
      throw new OciError({ code: "CREDENTIALS_ERROR", message: `${source}: malformed auth entry` });
    user = c.username;
    pass = c.password;
  }
  if (e.identitytoken)
    return { kind: "identity-token", token: e.identitytoken, ...(user ? { username: user } : {}) };
  if (user !== undefined && pass !== undefined && user !== "")
    return { kind: "basic", username: user, password: pass };
  return undefined;
}

/**
 * Credentials from a docker config, looked up in docker's order: `credHelpers[host]`, then `credsStore`,
 * then `auths` (keys compared exactly after normalisation, never by substring).
 */
export function dockerConfigCredentials(
  config: DockerConfig,
  opts: { source?: string; runHelper?: CredentialHelperRunner } = {},
): CredentialProvider {
  const source = opts.source ?? "docker config";
  const runHelper = opts.runHelper ?? runCredentialHelper;
  return {
    async get(registry, signal) {
      const host = canonicalRegistry(registry);
      const helperKey = Object.keys(config.credHelpers ?? {}).find((k) => hostOfKey(k) === host);
      const helper = helperKey === undefined ? config.credsStore : config.credHelpers?.[helperKey];
      if (helper) {
        const c = await runHelper(helper, credentialServerUrl(registry), signal);
        if (c !== undefined) return c;
      }
      for (const [key, entry] of Object.entries(config.auths ?? {})) {
        if (hostOfKey(key) === host) return fromAuthEntry(entry, source);
      }
      return undefined;
    },
  };
}

/**
 * The docker credential-helper protocol: `docker-credential-<name> get` with the server URL on stdin,
 * JSON `{ServerURL, Username, Secret}` on stdout. "credentials not found" means anonymous.
 */
export const runCredentialHelper: CredentialHelperRunner = (helper, serverUrl, signal) => {
  const program = `docker-credential-${helper}`;
  return new Promise((resolve, reject) => {
    const child = execFile(
      program,
      ["get"],
      { signal, timeout: 30_000, maxBuffer: 64 * 1024 },
      (err, stdout) => {
        if (err) {
          if (/credentials not found/i.test(stdout)) {
            resolve(undefined);
            return;
          }
          const why =
            (err as NodeJS.ErrnoException).code === "ENOENT"
              ? "not found on PATH"
              : `exited with ${String(err.code ?? "error")}`;
          reject(new OciError({ code: "CREDENTIALS_ERROR", message: `credential helper ${program} ${why}` }));
          return;
        }
        try {
          const reply = JSON.parse(stdout) as { Username?: unknown; Secret?: unknown };
          const user = typeof reply.Username === "string" ? reply.Username : "";
          const secret = typeof reply.Secret === "string" ? reply.Secret : "";
          if (secret === "") resolve(undefined);
          else if (user === "<token>") resolve({ kind: "identity-token", token: secret });
          else resolve({ kind: "basic", username: user, password: secret });
        } catch {
          reject(
            new OciError({
              code: "CREDENTIALS_ERROR",
              message: `credential helper ${program} returned malformed JSON`,
            }),
          );
        }
      },
    );
    child.stdin?.end(serverUrl);
  });
};
