// SPDX-License-Identifier: Apache-2.0
import { OciError } from "../errors.ts";
import { dockerConfigCredentials, parseDockerConfig } from "./docker-config.ts";
import type { DockerAuthEntry } from "./docker-config.ts";
import type { CredentialProvider } from "./credentials.ts";

/** The fields of a Kubernetes Secret that matter here (`data` is base64, `stringData` is plain). */
export interface SecretLike {
  readonly type?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly data?: Readonly<Record<string, string>>;
  readonly stringData?: Readonly<Record<string, string>>;
}

function field(secret: SecretLike, key: string): string | undefined {
  const plain = secret.stringData?.[key];
  if (plain !== undefined) return plain;
  const b64 = secret.data?.[key];
  return b64 === undefined ? undefined : Buffer.from(b64, "base64").toString("utf8");
}

/**
 * Credentials from a `kubernetes.io/dockerconfigjson` Secret (key `.dockerconfigjson`), or the legacy
 * `kubernetes.io/dockercfg` (key `.dockercfg`, a bare `auths` map). Credential helpers are never run for
 * Secrets: in a cluster they do not exist.
 */
export function kubeSecretCredentials(secret: SecretLike): CredentialProvider {
  const name = `Secret ${secret.metadata?.namespace ?? "default"}/${secret.metadata?.name ?? "?"}`;
  const json = field(secret, ".dockerconfigjson");
  if (json !== undefined) {
    const cfg = parseDockerConfig(json, name);
    return dockerConfigCredentials({ auths: cfg.auths ?? {} }, { source: name });
  }
  const legacy = field(secret, ".dockercfg");
  if (legacy !== undefined) {
    const auths = parseDockerConfig(legacy, name) as Record<string, DockerAuthEntry>;
    return dockerConfigCredentials({ auths }, { source: name });
  }
  throw new OciError({
    code: "CREDENTIALS_ERROR",
    message: `${name} has neither .dockerconfigjson nor .dockercfg (type ${secret.type ?? "unset"})`,
  });
}
