// SPDX-License-Identifier: Apache-2.0
import type { Clock } from "../../core/index.ts";
import { OciError } from "../errors.ts";
import type { HttpResponse, HttpTransport } from "../transport/http.ts";
import { readCapped } from "../transport/read.ts";
import { toRegistryError } from "../transport/registry-error.ts";
import type { Credential } from "./credentials.ts";

/** A bearer token and when to stop using it. */
export interface Token {
  readonly token: string;
  readonly expiresAt: number;
}

/** What a token request needs. `registry` and `repository` only make error messages useful. */
export interface TokenRequest {
  readonly realm: string;
  readonly service: string | undefined;
  readonly scopes: readonly string[];
  readonly credential: Credential | undefined;
  readonly subject: string;
}

/** The I/O a token request may do. */
export interface TokenDeps {
  readonly transport: HttpTransport;
  readonly clock: Clock;
  readonly bodyCap: number;
  readonly errorBodyCap: number;
  readonly signal?: AbortSignal | undefined;
}

/** Client id sent in OAuth2 requests (any string is accepted; it identifies the client in server logs). */
const CLIENT_ID = "ocisync";
/** Tokens are refreshed this long before they expire (or at half their life when that is shorter). */
const SKEW_MS = 30_000;

/**
 * Gets a bearer token from the realm (https://distribution.github.io/distribution/spec/auth/token/):
 * OAuth2 POST with a refresh token for identity tokens (falling back to GET on 404), otherwise GET, with
 * Basic auth when there is a username/password and anonymously when there is none.
 */
export async function fetchToken(req: TokenRequest, deps: TokenDeps): Promise<Token> {
  const cred = req.credential;
  if (cred?.kind === "registry-token") return { token: cred.token, expiresAt: Number.POSITIVE_INFINITY };
  if (cred?.kind === "identity-token") {
    const res = await postRefreshToken(req, cred.token, deps);
    if (res.status !== 404) return parseTokenResponse(res, req, deps);
    await res.body?.cancel().catch(() => undefined);
  }
  const url = new URL(req.realm);
  if (req.service !== undefined) url.searchParams.set("service", req.service);
  for (const s of req.scopes) url.searchParams.append("scope", s);
  const headers: Record<string, string> = {};
  if (cred?.kind === "basic") {
    headers.authorization = `Basic ${Buffer.from(`${cred.username}:${cred.password}`).toString("base64")}`;
  }
  const res = await deps.transport({ method: "GET", url: url.toString(), headers, signal: deps.signal });
  return parseTokenResponse(res, req, deps);
}

function postRefreshToken(req: TokenRequest, refreshToken: string, deps: TokenDeps): Promise<HttpResponse> {
  const form = new URLSearchParams({
    grant_type: "refresh_token",
    client_id: CLIENT_ID,
    refresh_token: refreshToken,
  });
  if (req.service !== undefined) form.set("service", req.service);
  if (req.scopes.length > 0) form.set("scope", req.scopes.join(" "));
  return deps.transport({
    method: "POST",
    url: req.realm,
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new TextEncoder().encode(form.toString()),
    signal: deps.signal,
  });
}

async function parseTokenResponse(res: HttpResponse, req: TokenRequest, deps: TokenDeps): Promise<Token> {
  if (res.status !== 200) {
    const err = await toRegistryError(res, {
      method: "GET",
      url: req.realm,
      subject: `token server for ${req.subject}`,
      errorBodyCap: deps.errorBodyCap,
      now: deps.clock.now(),
    });
    throw err;
  }
  const bytes = await readCapped(res.body, deps.bodyCap, "token response");
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch {
    throw new OciError({
      code: "UNAUTHORIZED",
      message: `token server for ${req.subject} returned malformed JSON`,
    });
  }
  const token = typeof body.token === "string" && body.token !== "" ? body.token : body.access_token;
  if (typeof token !== "string" || token === "") {
    throw new OciError({
      code: "UNAUTHORIZED",
      message: `token server for ${req.subject} returned no token`,
    });
  }
  const lifeMs = (typeof body.expires_in === "number" && body.expires_in > 0 ? body.expires_in : 60) * 1000;
  return { token, expiresAt: deps.clock.now() + lifeMs - Math.min(SKEW_MS, lifeMs / 2) };
}
