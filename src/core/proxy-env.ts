// SPDX-License-Identifier: Apache-2.0
/**
 * Proxy settings from the environment, read the way Go's `net/http` (`golang.org/x/net/http/httpproxy`) reads
 * them, so ocisync proxies exactly where flux, crane, oras and kubectl do. The result is handed to Node's
 * built-in proxy support (`new http.Agent({ proxyEnv })`, Node 24.5+), which differs from Go in ways this
 * function smooths over (checked against Node 24.21's `internal/http` ProxyConfig):
 * - Node silently ignores a proxy without `http://`/`https://` (`proxy:3128`, `socks5://…`) and connects
 *   directly. Go reads a scheme-less value as `http://…`; so does this, and it rejects other schemes
 *   instead of bypassing the proxy the user asked for.
 * - Node puts an unparsable proxy URL, credentials and all, into its error message. Values are parsed
 *   here first, and errors name the variable, never its value.
 * - Go never proxies `localhost` or loopback addresses; Node does unless `NO_PROXY` says so. Loopback is
 *   appended to `NO_PROXY` (a local registry or a kind cluster's API server stays direct).
 * - Go prefers the upper-case variable when both forms are set; Node the lower-case one.
 */
import { ConfigError } from "./errors.ts";

/**
 * Normalised proxy settings: `HTTP_PROXY`/`HTTPS_PROXY` as full URLs (may hold userinfo), and `NO_PROXY`. A type,
 * not an interface, so that it is assignable to Node's `proxyEnv` (an environment-like record).
 */
export type ProxyEnv = {
  readonly HTTP_PROXY?: string;
  readonly HTTPS_PROXY?: string;
  readonly NO_PROXY: string;
};

/** What Go never proxies (`httpproxy.Config.useProxy`): localhost and the loopback addresses. */
const LOOPBACK = "localhost,127.0.0.0-127.255.255.255,::1,[::1]";

/**
 * The proxy settings in `env`, or `undefined` when neither `HTTP_PROXY` nor `HTTPS_PROXY` (either case) is
 * set, so callers keep Node's default agents. Throws {@link ConfigError} `INVALID_CONFIG` for a proxy value
 * that is not an `http://` or `https://` URL.
 */
export function proxyEnvFrom(env: Readonly<Record<string, string | undefined>>): ProxyEnv | undefined {
  const http = proxyUrl(env, "HTTP_PROXY");
  const https = proxyUrl(env, "HTTPS_PROXY");
  if (http === undefined && https === undefined) return undefined;
  const noProxy = pick(env, "NO_PROXY");
  return {
    ...(http === undefined ? {} : { HTTP_PROXY: http }),
    ...(https === undefined ? {} : { HTTPS_PROXY: https }),
    NO_PROXY: noProxy === undefined ? LOOPBACK : `${noProxy.value},${LOOPBACK}`,
  };
}

/** The upper-case variable if set and non-empty, else the lower-case one (Go's `getEnvAny` order). */
function pick(env: Readonly<Record<string, string | undefined>>, upper: string) {
  for (const name of [upper, upper.toLowerCase()]) {
    const value = env[name]?.trim();
    if (value !== undefined && value !== "") return { name, value };
  }
  return undefined;
}

function proxyUrl(env: Readonly<Record<string, string | undefined>>, upper: string): string | undefined {
  const found = pick(env, upper);
  if (found === undefined) return undefined;
  let url = parse(found.value);
  // Go's parseProxy: a value without a scheme or host ("proxy:3128", "10.0.0.1:3128") means http://.
  if ((url === undefined || url.host === "") && !found.value.includes("://"))
    url = parse(`http://${found.value}`);
  if (url === undefined || url.hostname === "") {
    throw new ConfigError({ code: "INVALID_CONFIG", message: `${found.name}: not a proxy URL` });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError({
      code: "INVALID_CONFIG",
      message: `${found.name}: ${url.protocol.slice(0, -1)} proxies are not supported (use an http:// or https:// proxy)`,
    });
  }
  return url.href;
}

function parse(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}
