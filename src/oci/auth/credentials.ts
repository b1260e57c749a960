// SPDX-License-Identifier: Apache-2.0
/**
 * A credential for one registry. `identity-token` is an OAuth2 refresh token (docker config `identitytoken`,
 * or a credential helper answering `Username: "<token>"`); `registry-token` is a bearer token used as is.
 */
export type Credential =
  | { readonly kind: "basic"; readonly username: string; readonly password: string }
  | { readonly kind: "identity-token"; readonly token: string; readonly username?: string }
  | { readonly kind: "registry-token"; readonly token: string };

/** Finds the credential for a registry (`ghcr.io`, `docker.io`, `127.0.0.1:5000`), or none (anonymous). */
export interface CredentialProvider {
  get(registry: string, signal?: AbortSignal): Promise<Credential | undefined>;
}

/** No credentials anywhere: every request is anonymous. */
export const ANONYMOUS: CredentialProvider = Object.freeze({
  get: () => Promise.resolve(undefined),
});

/** A fixed credential for one registry (the `--creds` flag). */
export function staticCredentials(registry: string, cred: Credential): CredentialProvider {
  const want = canonicalRegistry(registry);
  return {
    get: (r) => Promise.resolve(canonicalRegistry(r) === want ? cred : undefined),
  };
}

/** Asks each provider in turn; the first that has a credential wins. */
export function chainCredentials(...providers: readonly CredentialProvider[]): CredentialProvider {
  return {
    async get(registry, signal) {
      for (const p of providers) {
        const c = await p.get(registry, signal);
        if (c !== undefined) return c;
      }
      return undefined;
    },
  };
}

/** Parses `user:password` (split at the first colon, as docker does). */
export function parseUserPassword(s: string): Credential | undefined {
  const at = s.indexOf(":");
  if (at <= 0) return undefined;
  return { kind: "basic", username: s.slice(0, at), password: s.slice(at + 1) };
}

const HUB_ALIASES = new Set([
  "docker.io",
  "index.docker.io",
  "registry-1.docker.io",
  "registry.hub.docker.com",
]);

/** Folds Docker Hub's many names into `docker.io` and lower-cases the host, for credential lookups. */
export function canonicalRegistry(registry: string): string {
  const r = registry.toLowerCase();
  return HUB_ALIASES.has(r) ? "docker.io" : r;
}

/** The key docker stores Hub credentials under; other registries use their host. */
export function credentialServerUrl(registry: string): string {
  return canonicalRegistry(registry) === "docker.io" ? "https://index.docker.io/v1/" : registry;
}
