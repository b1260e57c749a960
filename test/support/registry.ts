// SPDX-License-Identifier: Apache-2.0
// The real registry for integration tests: Debian's `docker-registry` (CNCF distribution 2.8.2) on a random
// loopback port, anonymous, with htpasswd basic auth, or with token auth against ./token-server.ts.
// Configuration reference: https://distribution.github.io/distribution/about/configuration/ (v2.8.2 docs).
import { execFile, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { accessSync, constants, rmSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import { stringify } from "yaml";
import { LOOPBACK, freePort } from "./ports.ts";
import { startTokenServer } from "./token-server.ts";
import type { TokenRequestRecord, TokenServer } from "./token-server.ts";

const run = promisify(execFile);

/** How the registry authenticates clients. */
export type RegistryAuth = "anonymous" | "basic" | "token";

/** A running `docker-registry` process. */
export interface TestRegistry {
  readonly auth: RegistryAuth;
  /** `127.0.0.1:PORT`: what goes into references. */
  readonly host: string;
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** The read-write user (basic and token modes). */
  readonly username?: string;
  readonly password?: string;
  /** Token mode: a user granted only `pull`. */
  readonly readerUsername?: string;
  readonly readerPassword?: string;
  /** Token mode: the token endpoint (`auth.token.realm`), e.g. `http://127.0.0.1:PORT/token`. */
  readonly realm?: string;
  /** Token mode: the `service` of the Bearer challenge and the tokens' `aud`. */
  readonly service?: string;
  /** Token mode: a refresh token for `username`, usable as a docker config `identitytoken` (OAuth2 POST flow). */
  readonly identityToken?: string;
  /** Token mode: tokens issued so far (0 in other modes); lets tests assert that clients cache tokens. */
  readonly tokenRequests: number;
  /** Token mode: every request the token server answered (empty in other modes). */
  readonly tokenLog: readonly TokenRequestRecord[];
  /** The storage root (`storage.filesystem.rootdirectory`). */
  readonly dataDir: string;
  /** The registry's config.yml. */
  readonly configPath: string;
  /** Kills the process and removes its temp dirs; idempotent. */
  stop(): Promise<void>;
}

/** Options of {@link startRegistry}. */
export interface StartRegistryOptions {
  readonly auth?: RegistryAuth;
  readonly username?: string;
  readonly password?: string;
}

const READY_TIMEOUT_MS = 20_000;
const BIND_ATTEMPTS = 5;
const STDERR_CAP = 64 * 1024;
const HTTP_SECRET = "ocisync-test-http-secret";
/**
 * Response header carrying a per-launch nonce (`http.headers`), so readiness is only declared when *our* process
 * answers: another service may grab the port between freePort() and the registry's bind.
 */
const INSTANCE_HEADER = "X-Ocisync-Test-Instance";

/** Children and temp dirs still alive; killed and removed when the process exits, whatever happens to the tests. */
const live = new Map<ChildProcess, string>();
let isExitHookSet = false;

function installExitHook(): void {
  if (isExitHookSet) return;
  isExitHookSet = true;
  process.on("exit", () => {
    for (const [child, dir] of live) {
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

function findExecutable(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

function requireProgram(name: string, pkg: string): void {
  if (findExecutable(name) === undefined) {
    throw new Error(
      `${name} is not installed (Debian package ${pkg}); the integration tests need it: run \`npm run setup-system\``,
    );
  }
}

function randomPassword(): string {
  return randomBytes(12).toString("base64url");
}

interface AuthSetup {
  readonly section: Record<string, unknown> | undefined;
  readonly token: TokenServer | undefined;
  readonly fields: Partial<
    Pick<
      TestRegistry,
      "username" | "password" | "readerUsername" | "readerPassword" | "realm" | "service" | "identityToken"
    >
  >;
}

async function setUpAuth(root: string, opts: StartRegistryOptions): Promise<AuthSetup> {
  const auth = opts.auth ?? "anonymous";
  if (auth === "anonymous") return { section: undefined, token: undefined, fields: {} };
  const username = opts.username ?? "ocisync";
  const password = opts.password ?? randomPassword();
  if (auth === "basic") {
    requireProgram("htpasswd", "apache2-utils");
    const { stdout } = await run("htpasswd", ["-Bbn", username, password]);
    const path = join(root, "htpasswd");
    await writeFile(path, stdout, { mode: 0o600 });
    return {
      section: { htpasswd: { realm: "ocisync-test-realm", path } },
      token: undefined,
      fields: { username, password },
    };
  }
  requireProgram("openssl", "openssl");
  const readerUsername = "reader";
  const readerPassword = randomPassword();
  const keys = join(root, "token");
  await mkdir(keys);
  const token = await startTokenServer({
    dir: keys,
    users: [
      { username, password, repositoryActions: ["pull", "push", "delete"], catalog: true },
      { username: readerUsername, password: readerPassword, repositoryActions: ["pull"], catalog: false },
    ],
  });
  const section = {
    token: {
      realm: token.realm,
      service: token.service,
      issuer: token.issuer,
      rootcertbundle: token.rootCertBundle,
    },
  };
  const identityToken = token.issueRefreshToken(username);
  const fields = {
    username,
    password,
    readerUsername,
    readerPassword,
    realm: token.realm,
    service: token.service,
    identityToken,
  };
  return { section, token, fields };
}

function registryConfig(
  dataDir: string,
  addr: string,
  nonce: string,
  auth: Record<string, unknown> | undefined,
): string {
  const config: Record<string, unknown> = {
    version: 0.1,
    log: { level: "warn", accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: dataDir },
      delete: { enabled: true },
      maintenance: { uploadpurging: { enabled: false } },
    },
    http: { addr, secret: HTTP_SECRET, headers: { [INSTANCE_HEADER]: [nonce] } },
  };
  if (auth !== undefined) config.auth = auth;
  return stringify(config);
}

interface Launched {
  readonly child: ChildProcess;
  readonly port: number;
}

/** Spawns the registry under `setpriv --pdeathsig KILL` when available, so it dies with this process even on SIGKILL. */
function spawnRegistry(configPath: string): { child: ChildProcess; stderr: () => string } {
  const args = ["serve", configPath];
  const setpriv = findExecutable("setpriv");
  const child =
    setpriv === undefined
      ? spawn("docker-registry", args, { stdio: ["ignore", "pipe", "pipe"] })
      : spawn(setpriv, ["--pdeathsig", "KILL", "--", "docker-registry", ...args], {
          stdio: ["ignore", "pipe", "pipe"],
        });
  let stderr = "";
  const keep = (chunk: Buffer): void => {
    stderr = (stderr + chunk.toString("utf8")).slice(-STDERR_CAP);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  return { child, stderr: () => stderr };
}

/** Polls `GET /v2/` until it answers 200 or 401; rejects with the registry's output if it exits first. */
async function waitReady(
  url: string,
  nonce: string,
  child: ChildProcess,
  stderr: () => string,
): Promise<void> {
  let exited: string | undefined;
  const onExit = (code: number | null, signal: string | null): void => {
    exited = `docker-registry exited (${code === null ? `signal ${signal ?? "?"}` : `code ${code}`}) during startup:\n${stderr()}`;
  };
  child.once("exit", onExit);
  try {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (exited !== undefined) throw new Error(exited);
      try {
        const res = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(1000) });
        await res.body?.cancel();
        const isOurs = res.headers.get(INSTANCE_HEADER) === nonce;
        if (isOurs && (res.status === 200 || res.status === 401)) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline)
        throw new Error(`docker-registry at ${url} not ready after ${READY_TIMEOUT_MS} ms:\n${stderr()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    child.off("exit", onExit);
  }
}

async function launch(root: string, dataDir: string, configPath: string, auth: AuthSetup): Promise<Launched> {
  let lastError: unknown;
  for (let attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
    const port = await freePort();
    const nonce = randomBytes(8).toString("hex");
    await writeFile(configPath, registryConfig(dataDir, `${LOOPBACK}:${port}`, nonce, auth.section));
    const { child, stderr } = spawnRegistry(configPath);
    live.set(child, root);
    try {
      await waitReady(`http://${LOOPBACK}:${port}`, nonce, child, stderr);
      return { child, port };
    } catch (err) {
      await killChild(child);
      live.delete(child);
      lastError = err;
      // Another process took the port between freePort() and the registry's bind: try another one.
      if (!/address already in use/i.test(String(err))) break;
    }
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

/** SIGTERM, then SIGKILL after a short grace period. */
async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => {
      resolve();
    }),
  );
  child.kill("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => {
      resolve(false);
    }, 2000);
  });
  const isDone = await Promise.race([exited.then(() => true), grace]);
  clearTimeout(timer);
  if (!isDone) {
    child.kill("SIGKILL");
    await exited;
  }
}

/**
 * Starts `docker-registry serve` on a random 127.0.0.1 port in the given auth mode and waits until it answers
 * `GET /v2/`. Fails (never skips) when the program is missing. Call `stop()` in `after()`.
 */
export async function startRegistry(opts: StartRegistryOptions = {}): Promise<TestRegistry> {
  requireProgram("docker-registry", "docker-registry");
  installExitHook();
  const root = await mkdtemp(join(tmpdir(), "ocisync-reg-"));
  let token: TokenServer | undefined;
  try {
    const dataDir = join(root, "data");
    const configPath = join(root, "config.yml");
    await mkdir(dataDir);
    const auth = await setUpAuth(root, opts);
    token = auth.token;
    const { child, port } = await launch(root, dataDir, configPath, auth);
    let stopped: Promise<void> | undefined;
    const tokenServer = token;
    return {
      auth: opts.auth ?? "anonymous",
      host: `${LOOPBACK}:${port}`,
      url: `http://${LOOPBACK}:${port}`,
      ...auth.fields,
      get tokenRequests() {
        return tokenServer?.tokenRequests ?? 0;
      },
      tokenLog: tokenServer?.log ?? [],
      dataDir,
      configPath,
      stop() {
        stopped ??= (async () => {
          await killChild(child);
          live.delete(child);
          await tokenServer?.stop();
          await rm(root, { recursive: true, force: true });
        })();
        return stopped;
      },
    };
  } catch (err) {
    await token?.stop();
    await rm(root, { recursive: true, force: true });
    throw err;
  }
}
