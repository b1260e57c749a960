// SPDX-License-Identifier: Apache-2.0
import { isIP } from "node:net";
import type { Clock } from "../../core/index.ts";
import { OciError } from "../errors.ts";
import type { HttpRequest, HttpResponse, HttpTransport } from "../transport/http.ts";
import { pickChallenge, parseChallenges, type Challenge } from "./challenge.ts";
import type { Credential, CredentialProvider } from "./credentials.ts";
import { fetchToken, type Token } from "./token.ts";

/** A request to a registry: which registry (for credentials) and which scopes it needs. */
export interface AuthRequest extends HttpRequest {
  /** The registry's name for credential lookups (`docker.io`, `ghcr.io`, `127.0.0.1:5000`). */
  readonly registry: string;
  /** Token scopes the request needs, e.g. `repository:org/app:pull`. */
  readonly scopes: readonly string[];
  /** "registry X, repository Y", for messages. */
  readonly subject: string;
  /** Makes the stream body again, so that a challenge can be answered (a stream is read once). */
  readonly rebody?: () => ReadableStream<Uint8Array>;
}

/** What the authorizer needs. */
export interface AuthorizerOptions {
  readonly transport: HttpTransport;
  readonly credentials: CredentialProvider;
  readonly clock: Clock;
  readonly tokenBodyCap: number;
  readonly errorBodyCap: number;
  /** Plain-HTTP registries may have plain-HTTP token realms. */
  readonly allowHttpRealm: boolean;
}

/**
 * Answers registry auth challenges (https://distribution.github.io/distribution/spec/auth/token/) and keeps,
 * per registry host, the scheme it asked for and a token cache keyed by scope set. After the first challenge,
 * requests carry credentials up front, so bodies are sent once (oras-go `auth.Client` behaviour).
 */
export class Authorizer {
  private readonly opts: AuthorizerOptions;
  private readonly challenges = new Map<string, Challenge>();
  private readonly tokens = new Map<string, Promise<Token>>();
  private readonly creds = new Map<string, Promise<Credential | undefined>>();

  constructor(opts: AuthorizerOptions) {
    this.opts = opts;
  }

  /** Remembers the challenge a host sent (from a ping), so later requests carry credentials up front. */
  prime(host: string, challenge: Challenge): void {
    this.challenges.set(host, challenge);
  }

  /** Sends `req` with the right credentials, answering at most one challenge. */
  async send(req: AuthRequest): Promise<HttpResponse> {
    const host = new URL(req.url).host;
    const known = this.challenges.get(host);
    const first = await this.sendWith(req, known, req.scopes, false);
    if (first.status !== 401) return first;
    const challenge = pickChallenge(parseChallenges(first.headers.get("www-authenticate")));
    if (challenge === undefined || (req.body instanceof ReadableStream && req.rebody === undefined))
      return first;
    const scopes = mergeScopes(req.scopes, challenge.params.scope);
    const sameBasic = known?.scheme === "basic" && challenge.scheme === "basic";
    if (sameBasic) return first;
    if (challenge.scheme === "basic" && (await this.credential(req.registry, req.signal)) === undefined)
      return first;
    await first.body?.cancel().catch(() => undefined);
    this.challenges.set(host, challenge);
    const again = req.rebody === undefined ? req : { ...req, body: req.rebody() };
    return this.sendWith(again, challenge, scopes, known?.scheme === "bearer");
  }

  private async sendWith(
    req: AuthRequest,
    challenge: Challenge | undefined,
    scopes: readonly string[],
    refresh: boolean,
  ): Promise<HttpResponse> {
    const auth = challenge === undefined ? undefined : await this.header(req, challenge, scopes, refresh);
    const headers = auth === undefined ? { ...req.headers } : { ...req.headers, authorization: auth };
    return this.opts.transport({ ...req, headers });
  }

  private async header(
    req: AuthRequest,
    challenge: Challenge,
    scopes: readonly string[],
    refresh: boolean,
  ): Promise<string | undefined> {
    const cred = await this.credential(req.registry, req.signal);
    if (challenge.scheme === "basic") {
      return cred?.kind === "basic"
        ? `Basic ${Buffer.from(`${cred.username}:${cred.password}`).toString("base64")}`
        : undefined;
    }
    const key = `${new URL(req.url).host} ${[...scopes].sort().join(" ")}`;
    let pending = this.tokens.get(key);
    if (pending !== undefined && !refresh) {
      const t = await pending.catch(() => undefined);
      if (t === undefined || t.expiresAt <= this.opts.clock.now()) pending = undefined;
    }
    if (pending === undefined || refresh) {
      pending = this.requestToken(req, challenge, scopes, cred);
      this.tokens.set(key, pending);
      const hinted = `${new URL(req.url).host} ${[...req.scopes].sort().join(" ")}`;
      if (hinted !== key) this.tokens.set(hinted, pending);
    }
    return `Bearer ${(await pending).token}`;
  }

  private requestToken(
    req: AuthRequest,
    challenge: Challenge,
    scopes: readonly string[],
    credential: Credential | undefined,
  ): Promise<Token> {
    const realm = this.checkRealm(challenge.params.realm, req);
    return fetchToken(
      { realm, service: challenge.params.service, scopes, credential, subject: req.subject },
      {
        transport: this.opts.transport,
        clock: this.opts.clock,
        bodyCap: this.opts.tokenBodyCap,
        errorBodyCap: this.opts.errorBodyCap,
        signal: req.signal,
      },
    );
  }

  private credential(registry: string, signal: AbortSignal | undefined): Promise<Credential | undefined> {
    let c = this.creds.get(registry);
    if (c === undefined) {
      c = this.opts.credentials.get(registry, signal);
      this.creds.set(registry, c);
    }
    return c;
  }

  /** Realm safety after go-containerregistry `validateRealmURL`: https, and no private IPs unless same host. */
  private checkRealm(realm: string | undefined, req: AuthRequest): string {
    let url: URL;
    try {
      url = new URL(realm ?? "");
    } catch {
      throw new OciError({
        code: "UNAUTHORIZED",
        message: `registry sent an invalid token realm [${req.subject}]`,
      });
    }
    const okScheme = url.protocol === "https:" || (url.protocol === "http:" && this.opts.allowHttpRealm);
    const registryHost = new URL(req.url).hostname;
    const unsafeHost = isPrivateHost(url.hostname) && url.hostname !== registryHost;
    if (!okScheme || unsafeHost) {
      throw new OciError({
        code: "UNAUTHORIZED",
        message: `refusing token realm ${url.origin}: ${okScheme ? "private address differs from the registry host" : "not https"} [${req.subject}]`,
      });
    }
    return url.toString();
  }
}

/** Union of scopes, each with its actions sorted (2.8.2 challenges say `push,pull` or `pull,push` at random). */
function mergeScopes(hinted: readonly string[], challenged: string | undefined): string[] {
  const out = new Set(hinted.map(canonicalScope));
  for (const s of (challenged ?? "").split(" ")) if (s !== "") out.add(canonicalScope(s));
  return [...out];
}

function canonicalScope(scope: string): string {
  const at = scope.lastIndexOf(":");
  if (at < 0) return scope;
  return `${scope.slice(0, at)}:${scope
    .slice(at + 1)
    .split(",")
    .sort()
    .join(",")}`;
}

/** Loopback, private, link-local and unique-local IP literals, and `localhost`. */
export function isPrivateHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  const v = isIP(h);
  if (v === 4) {
    const [a = 0, b = 0] = h.split(".").map(Number);
    return (
      a === 10 ||
      a === 127 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254) ||
      a === 0
    );
  }
  if (v === 6) return h === "::1" || h === "::" || /^f[cd]/.test(h) || /^fe[89ab]/.test(h);
  return false;
}
