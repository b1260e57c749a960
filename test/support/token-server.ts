// SPDX-License-Identifier: Apache-2.0
// A small token server for docker-registry's `auth.token` mode, so the Bearer challenge → token → retry
// flow runs for real. It implements the GET form and the OAuth2 POST form of the distribution token spec:
//   https://distribution.github.io/distribution/spec/auth/token/
//   https://distribution.github.io/distribution/spec/auth/oauth/
// Tokens are ES256 JWTs whose header carries `x5c` = [signing cert]; distribution 2.8.2 verifies that chain
// against `auth.token.rootcertbundle` (registry/auth/token/token.go, parseAndVerifyCertChain).
// Over the 300-line soft cap on purpose: keys, JWT, scope grants and both request forms are one small service
// that only tests use; split the key material into its own file if it grows further.
import { execFile } from "node:child_process";
import { X509Certificate, createPrivateKey, randomBytes, randomUUID, sign } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { LOOPBACK } from "./ports.ts";

const run = promisify(execFile);

/** Lifetime of issued tokens, in seconds. */
export const TOKEN_TTL_SECONDS = 300;

/** A user of the token server and what it may do on every repository. */
export interface TokenUser {
  readonly username: string;
  readonly password: string;
  /** Actions granted on any `repository:<name>` (e.g. `["pull", "push", "delete"]`). */
  readonly repositoryActions: readonly string[];
  /** Whether `registry:catalog:*` is granted. */
  readonly catalog: boolean;
}

/** One access entry of a token's `access` claim. */
export interface TokenAccess {
  readonly type: string;
  readonly name: string;
  readonly actions: readonly string[];
}

/** One request the token server answered. */
export interface TokenRequestRecord {
  readonly method: string;
  /** `password`, `refresh_token` (POST) or `basic` / `anonymous` (GET). */
  readonly grant: string;
  /** The authenticated user, or "" for anonymous. */
  readonly subject: string;
  readonly scopes: readonly string[];
  readonly granted: readonly TokenAccess[];
  readonly status: number;
}

/** A running token server. */
export interface TokenServer {
  /** The realm URL to put in `auth.token.realm`: `http://127.0.0.1:PORT/token`. */
  readonly realm: string;
  readonly service: string;
  readonly issuer: string;
  /** PEM file with the CA that signs the token signing certificate (`auth.token.rootcertbundle`). */
  readonly rootCertBundle: string;
  /** How many tokens were issued so far (successful answers). */
  readonly tokenRequests: number;
  /** Every answered request, in order. */
  readonly log: readonly TokenRequestRecord[];
  /** Issues a refresh ("identity") token for a user, as `access_type=offline` would. */
  issueRefreshToken(username: string): string;
  stop(): Promise<void>;
}

/** Options of {@link startTokenServer}. */
export interface TokenServerOptions {
  /** Directory for the key material (the caller removes it). */
  readonly dir: string;
  readonly users: readonly TokenUser[];
  readonly service?: string;
  readonly issuer?: string;
}

interface SigningMaterial {
  readonly key: KeyObject;
  readonly x5c: readonly string[];
  readonly rootCertBundle: string;
}

/** Creates an EC P-256 CA and a signing certificate issued by it, with the `openssl` program. */
async function createSigningMaterial(dir: string): Promise<SigningMaterial> {
  const p = (name: string): string => join(dir, name);
  // Each template is split on spaces first, then `@file` becomes a path in `dir` (paths may contain spaces).
  const openssl = (template: string): Promise<unknown> =>
    run(
      "openssl",
      template.split(" ").map((a) => (a.startsWith("@") ? p(a.slice(1)) : a)),
    );
  const ec = "-algorithm EC -pkeyopt ec_paramgen_curve:P-256";
  await openssl(`genpkey ${ec} -out @ca.key`);
  await openssl(
    "req -x509 -new -key @ca.key -subj /CN=ocisync-test-token-ca -days 7 -out @ca.pem" +
      " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign",
  );
  await openssl(`genpkey ${ec} -out @signer.key`);
  await openssl("req -new -key @signer.key -subj /CN=ocisync-test-token-signer -out @signer.csr");
  const serial = `0x${randomBytes(8).toString("hex")}`;
  await openssl(
    `x509 -req -in @signer.csr -CA @ca.pem -CAkey @ca.key -set_serial ${serial} -days 7 -out @signer.pem`,
  );
  const cert = new X509Certificate(await readFile(p("signer.pem")));
  const key = createPrivateKey(await readFile(p("signer.key")));
  return { key, x5c: [cert.raw.toString("base64")], rootCertBundle: p("ca.pem") };
}

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

function signJwt(m: SigningMaterial, claims: Record<string, unknown>): string {
  const head = `${b64url({ typ: "JWT", alg: "ES256", x5c: m.x5c })}.${b64url(claims)}`;
  const sig = sign("sha256", Buffer.from(head), { key: m.key, dsaEncoding: "ieee-p1363" });
  return `${head}.${sig.toString("base64url")}`;
}

/** Parses `type:name:actions`; the name may itself contain `:` (host:port forms). */
function parseScope(scope: string): TokenAccess | undefined {
  const first = scope.indexOf(":");
  const last = scope.lastIndexOf(":");
  if (first <= 0 || last <= first) return undefined;
  const actions = scope
    .slice(last + 1)
    .split(",")
    .filter((a) => a !== "");
  return { type: scope.slice(0, first), name: scope.slice(first + 1, last), actions };
}

/** Grants the requested actions that the user is allowed; anonymous (undefined) gets nothing. */
export function grantAccess(user: TokenUser | undefined, scopes: readonly string[]): TokenAccess[] {
  const merged = new Map<string, { type: string; name: string; actions: Set<string> }>();
  for (const s of scopes) {
    const a = parseScope(s);
    if (a === undefined || user === undefined) continue;
    const allowed =
      a.type === "repository"
        ? new Set(user.repositoryActions)
        : a.type === "registry" && a.name === "catalog" && user.catalog
          ? new Set(["*"])
          : new Set<string>();
    const key = `${a.type}:${a.name}`;
    const entry = merged.get(key) ?? { type: a.type, name: a.name, actions: new Set<string>() };
    for (const action of a.actions) if (allowed.has(action)) entry.actions.add(action);
    merged.set(key, entry);
  }
  return [...merged.values()]
    .filter((e) => e.actions.size > 0)
    .map((e) => ({ type: e.type, name: e.name, actions: [...e.actions].sort() }));
}

interface Grant {
  readonly grant: string;
  readonly user: TokenUser | undefined;
  readonly scopes: readonly string[];
  readonly service: string | null;
  readonly isOffline: boolean;
  readonly isOAuth: boolean;
  /** The refresh token presented with `grant_type=refresh_token`. */
  readonly refreshToken: string | undefined;
}

class TokenRequestError extends Error {
  readonly status: number;
  readonly body: unknown;
  constructor(status: number, body: unknown) {
    super(`token request failed with ${status}`);
    this.status = status;
    this.body = body;
  }
}

const MAX_FORM_BYTES = 64 * 1024;

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new TokenRequestError(413, { error: "invalid_request" });
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

function basicCredentials(header: string | undefined): { username: string; password: string } | undefined {
  if (header === undefined || !/^basic /i.test(header)) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
  const i = decoded.indexOf(":");
  return i < 0 ? undefined : { username: decoded.slice(0, i), password: decoded.slice(i + 1) };
}

/** Starts the token server on a random loopback port. */
export async function startTokenServer(opts: TokenServerOptions): Promise<TokenServer> {
  const material = await createSigningMaterial(opts.dir);
  const service = opts.service ?? "ocisync-test-registry";
  const issuer = opts.issuer ?? "ocisync-test-issuer";
  const users = new Map(opts.users.map((u) => [u.username, u]));
  const refreshTokens = new Map<string, TokenUser>();
  const log: TokenRequestRecord[] = [];
  let issued = 0;

  function issueRefreshToken(username: string): string {
    const user = users.get(username);
    if (user === undefined) throw new Error(`token server: unknown user ${username}`);
    const token = randomBytes(24).toString("base64url");
    refreshTokens.set(token, user);
    return token;
  }

  function authenticate(username: string | null, password: string | null): TokenUser {
    const user = users.get(username ?? "");
    if (user?.password !== password) {
      throw new TokenRequestError(401, {
        errors: [{ code: "UNAUTHORIZED", message: "invalid username or password" }],
      });
    }
    return user;
  }

  async function parseGrant(req: IncomingMessage, url: URL): Promise<Grant> {
    if (req.method === "GET") {
      const q = url.searchParams;
      const creds = basicCredentials(req.headers.authorization);
      const user = creds === undefined ? undefined : authenticate(creds.username, creds.password);
      const scopes = q
        .getAll("scope")
        .flatMap((s) => s.split(" "))
        .filter((s) => s !== "");
      const grant = creds === undefined ? "anonymous" : "basic";
      return {
        grant,
        user,
        scopes,
        service: q.get("service"),
        isOffline: q.get("offline_token") === "true",
        isOAuth: false,
        refreshToken: undefined,
      };
    }
    if (req.method !== "POST") throw new TokenRequestError(405, { error: "invalid_request" });
    const form = await readForm(req);
    if ((form.get("client_id") ?? "") === "") {
      throw new TokenRequestError(400, {
        error: "invalid_request",
        error_description: "client_id is required",
      });
    }
    const grant = form.get("grant_type") ?? "";
    let user: TokenUser | undefined;
    const refreshToken = grant === "refresh_token" ? (form.get("refresh_token") ?? "") : undefined;
    if (grant === "password") {
      user = authenticate(form.get("username"), form.get("password"));
    } else if (refreshToken !== undefined) {
      user = refreshTokens.get(refreshToken);
      if (user === undefined)
        throw new TokenRequestError(401, {
          error: "invalid_grant",
          error_description: "unknown refresh token",
        });
    } else {
      throw new TokenRequestError(400, { error: "unsupported_grant_type" });
    }
    const scopes = (form.get("scope") ?? "").split(" ").filter((s) => s !== "");
    const isOffline = form.get("access_type") === "offline";
    return { grant, user, scopes, service: form.get("service"), isOffline, isOAuth: true, refreshToken };
  }

  function answer(
    g: Grant,
    refreshToken: string | undefined,
  ): { body: Record<string, unknown>; granted: TokenAccess[] } {
    const granted = grantAccess(g.user, g.scopes);
    const now = Math.floor(Date.now() / 1000);
    const token = signJwt(material, {
      iss: issuer,
      sub: g.user?.username ?? "",
      aud: service,
      exp: now + TOKEN_TTL_SECONDS,
      nbf: now - 1,
      iat: now,
      jti: randomUUID(),
      access: granted,
    });
    const body: Record<string, unknown> = {
      token,
      access_token: token,
      expires_in: TOKEN_TTL_SECONDS,
      issued_at: new Date(now * 1000).toISOString(),
    };
    if (g.isOAuth) body.scope = granted.map((a) => `${a.type}:${a.name}:${a.actions.join(",")}`).join(" ");
    if (refreshToken !== undefined) body.refresh_token = refreshToken;
    return { body, granted };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://token.invalid");
    const send = (status: number, body: unknown, grant: Grant | undefined, granted: TokenAccess[]): void => {
      log.push({
        method: req.method ?? "",
        grant: grant?.grant ?? "",
        subject: grant?.user?.username ?? "",
        scopes: grant?.scopes ?? [],
        granted,
        status,
      });
      const headers: Record<string, string> = {
        "content-type": "application/json",
        "cache-control": "no-store",
      };
      if (status === 401 && req.method === "GET")
        headers["www-authenticate"] = 'Basic realm="ocisync-test-token"';
      res.writeHead(status, headers).end(JSON.stringify(body));
    };
    if (url.pathname !== "/token") {
      req.resume();
      send(404, { errors: [{ code: "NOT_FOUND", message: "not found" }] }, undefined, []);
      return;
    }
    let grant: Grant | undefined;
    try {
      grant = await parseGrant(req, url);
      const g = grant;
      if (g.service !== null && g.service !== service) {
        throw new TokenRequestError(400, {
          error: "invalid_request",
          error_description: `unknown service ${g.service}`,
        });
      }
      // The refresh grant hands back the token it was given; offline password/GET grants mint a new one.
      const refresh =
        g.refreshToken ??
        (g.isOffline && g.user !== undefined ? issueRefreshToken(g.user.username) : undefined);
      const { body, granted } = answer(g, refresh);
      issued++;
      send(200, body, g, granted);
    } catch (err) {
      if (!(err instanceof TokenRequestError)) throw err;
      req.resume();
      send(err.status, err.body, grant, []);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: LOOPBACK, port: 0 }, resolve);
  });
  const { port } = server.address() as AddressInfo;
  let stopped: Promise<void> | undefined;
  return {
    realm: `http://${LOOPBACK}:${port}/token`,
    service,
    issuer,
    rootCertBundle: material.rootCertBundle,
    get tokenRequests() {
      return issued;
    },
    log,
    issueRefreshToken,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}
