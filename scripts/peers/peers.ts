// SPDX-License-Identifier: Apache-2.0
// Builds the pinned peer programs (kube-apiserver, etcd, kustomize, cosign, flux, oras, crane) from
// their published Go modules into a cache outside Git, keyed by the pins, and finds them again.
//
// Layout:  <cache>/peers/<name>-<version>/<binary>     the program
//          <cache>/peers/<name>-<version>/.pin-key     hash of the pin + Go version it was built from
//          <cache>/peers/<name>-<version>/.build.json  how long the build took
//          <cache>/peers/.work/<name>-<version>/       throwaway module for modules with replace directives
//          <cache>/go/{mod,build}                      GOMODCACHE and GOCACHE, shared with CI on this machine
// where <cache> is $OCISYNC_CACHE_DIR, else $XDG_CACHE_HOME/ocisync, else ~/.cache/ocisync.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { chmod, cp, mkdir, readFile, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";

export interface Pin {
  readonly module: string;
  readonly version: string;
  /** The main package to build. */
  readonly package: string;
  readonly binary: string;
  /** -X flags etc.; {version} and {versionNoV} are substituted. */
  readonly ldflags: readonly string[];
  readonly versionArgs: readonly string[];
  /** What the version command prints for this pin (template); defaults to {version}. */
  readonly versionShown?: string;
  /** Version that replaces each required module the upstream go.mod points at a local path. */
  readonly localReplaceVersion?: string;
  /**
   * Files the module's own build generates but its published zip lacks (path inside the module -> content).
   * When set, the module's source is copied out of the module cache, these are added, and the throwaway
   * module replaces the module with that copy.
   */
  readonly addFiles?: Readonly<Record<string, string>>;
  /** GOTOOLCHAIN for this build; defaults to "local" (the machine's Go). */
  readonly goToolchain?: string;
  readonly why: string;
  readonly tried: readonly string[];
}

export type Log = (line: string) => void;

const PINS_FILE = resolve(import.meta.dirname, "pins.json");
/** Bump when the way a peer is built changes, so cached builds are redone. */
const BUILDER_REVISION = 1;

export function loadPins(): Readonly<Record<string, Pin>> {
  const parsed = JSON.parse(readFileSync(PINS_FILE, "utf8")) as { peers: Record<string, Pin> };
  return parsed.peers;
}

export function peerNames(): string[] {
  return Object.keys(loadPins());
}

export function getPin(name: string): Pin {
  const pin = loadPins()[name];
  if (pin === undefined) {
    throw new Error(`unknown peer "${name}"; known: ${peerNames().join(", ")} (scripts/peers/pins.json)`);
  }
  return pin;
}

export function cacheRoot(): string {
  const explicit = process.env["OCISYNC_CACHE_DIR"];
  if (explicit !== undefined && explicit !== "") return resolve(explicit);
  const xdg = process.env["XDG_CACHE_HOME"];
  const base = xdg !== undefined && xdg !== "" ? xdg : join(homedir(), ".cache");
  return resolve(base, "ocisync");
}

export function expand(template: string, pin: Pin): string {
  return template
    .replaceAll("{versionNoV}", pin.version.replace(/^v/, ""))
    .replaceAll("{version}", pin.version);
}

/** The string the peer's version command must print. */
export function versionShown(pin: Pin): string {
  return expand(pin.versionShown ?? "{version}", pin);
}

export function peerDir(name: string, pin: Pin = getPin(name)): string {
  return join(cacheRoot(), "peers", `${name}-${pin.version}`);
}

export function peerBinary(name: string, pin: Pin = getPin(name)): string {
  return join(peerDir(name, pin), pin.binary);
}

function goEnv(pin: Pin): NodeJS.ProcessEnv {
  const go = join(cacheRoot(), "go");
  return {
    ...process.env,
    GOPATH: go,
    GOMODCACHE: join(go, "mod"),
    GOCACHE: join(go, "build"),
    GOTOOLCHAIN: pin.goToolchain ?? "local",
    GOFLAGS: "",
    GOWORK: "off",
  };
}

let goPath: string | undefined;
/** The go command: $OCISYNC_GO, else the first on PATH, else /usr/local/go/bin/go. */
function findGo(): string {
  if (goPath !== undefined) return goPath;
  const explicit = process.env["OCISYNC_GO"];
  const candidates = [
    ...(explicit !== undefined && explicit !== "" ? [explicit] : []),
    ...(process.env["PATH"] ?? "")
      .split(delimiter)
      .filter((d) => d !== "")
      .map((d) => join(d, "go")),
    "/usr/local/go/bin/go",
  ];
  const found = candidates.find((c) => existsSync(c));
  if (found === undefined) {
    throw new Error(
      "peers: the go command is missing (looked on PATH and in /usr/local/go/bin); install Go 1.26+",
    );
  }
  goPath = found;
  return found;
}

interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command; its stderr is forwarded line by line to `log` when given, and always kept. */
export function run(
  cmd: string,
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; log?: Log; signal?: AbortSignal } = {},
): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    });
    let stdout = "";
    let stderr = "";
    let pending = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
      if (opts.log === undefined) return;
      pending += d;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const l of lines) opts.log(l);
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (opts.log !== undefined && pending !== "") opts.log(pending);
      resolvePromise({ code: code ?? 1, stdout, stderr });
    });
  });
}

async function runOk(
  cmd: string,
  args: readonly string[],
  opts: Parameters<typeof run>[2] = {},
): Promise<RunResult> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) {
    const tail = r.stderr.trim().split("\n").slice(-30).join("\n");
    throw new Error(
      `${cmd} ${args.join(" ")} exited ${r.code}${opts.cwd === undefined ? "" : ` (in ${opts.cwd})`}:\n${tail}`,
    );
  }
  return r;
}

const goVersions = new Map<string, string>();
async function goVersion(pin: Pin): Promise<string> {
  const toolchain = pin.goToolchain ?? "local";
  const known = goVersions.get(toolchain);
  if (known !== undefined) return known;
  const r = await runOk(findGo(), ["env", "GOVERSION"], { env: goEnv(pin) });
  const v = r.stdout.trim();
  goVersions.set(toolchain, v);
  return v;
}

/** The cache key of a pin: everything that changes the binary, plus the Go version that builds it. */
export function pinKey(pin: Pin, goVer: string): string {
  const material = {
    builder: BUILDER_REVISION,
    go: goVer,
    module: pin.module,
    version: pin.version,
    package: pin.package,
    binary: pin.binary,
    ldflags: pin.ldflags,
    localReplaceVersion: pin.localReplaceVersion ?? null,
    goToolchain: pin.goToolchain ?? null,
    addFiles: pin.addFiles ?? null,
  };
  return createHash("sha256").update(JSON.stringify(material)).digest("hex").slice(0, 16);
}

/** True when the peer is built for the current pin (no Go invocation when the stamp is missing). */
export async function isBuilt(name: string): Promise<boolean> {
  const pin = getPin(name);
  if (!existsSync(peerBinary(name, pin))) return false;
  const stamp = await readFile(join(peerDir(name, pin), ".pin-key"), "utf8").catch(() => "");
  return stamp.trim() === pinKey(pin, await goVersion(pin));
}

// ---- go.mod reading (only what the build needs: require and replace directives) ----

interface GoMod {
  readonly go: string | undefined;
  readonly requires: ReadonlySet<string>;
  /** module path -> target: either a local path ("./x", "../x") or "module version". */
  readonly replaces: ReadonlyMap<string, string>;
  readonly excludes: number;
}

export function parseGoMod(text: string): GoMod {
  const requires = new Set<string>();
  const replaces = new Map<string, string>();
  let goLine: string | undefined;
  let excludes = 0;
  let block: string | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\/\/.*$/, "").trim();
    if (line === "") continue;
    if (block !== undefined) {
      if (line === ")") {
        block = undefined;
        continue;
      }
      directive(block, line);
      continue;
    }
    const m = /^(\w+)\s*\($/.exec(line);
    if (m?.[1] !== undefined) {
      block = m[1];
      continue;
    }
    const sp = line.indexOf(" ");
    if (sp > 0) directive(line.slice(0, sp), line.slice(sp + 1).trim());
  }
  return { go: goLine, requires, replaces, excludes };

  function directive(verb: string, rest: string): void {
    if (verb === "go") goLine = rest;
    else if (verb === "require") requires.add(rest.split(/\s+/)[0] ?? "");
    else if (verb === "exclude") excludes++;
    else if (verb === "replace") {
      const [lhs, rhs] = rest.split("=>").map((s) => s.trim());
      if (lhs !== undefined && rhs !== undefined) replaces.set(lhs.split(/\s+/)[0] ?? lhs, rhs);
    }
  }
}

/** The go.mod of a throwaway module that builds `pin.package` with the upstream replace directives kept. */
export function throwawayGoMod(pin: Pin, upstream: GoMod, localCopy?: string): string {
  const lines = [
    "module ocisync.local/peer-build",
    "",
    `go ${upstream.go ?? "1.26.0"}`,
    "",
    `require ${pin.module} ${pin.version}`,
    "",
  ];
  const replaces: string[] = localCopy === undefined ? [] : [`\t${pin.module} => ${localCopy}`];
  for (const [mod, target] of [...upstream.replaces].sort(([a], [b]) => a.localeCompare(b))) {
    if (target.startsWith("./") || target.startsWith("../")) {
      // A path inside the upstream repository: use the same module as published at the sibling release,
      // but only for modules the upstream actually requires (unrequired ones may not be published).
      if (pin.localReplaceVersion !== undefined && upstream.requires.has(mod)) {
        replaces.push(`\t${mod} => ${mod} ${pin.localReplaceVersion}`);
      }
    } else {
      replaces.push(`\t${mod} => ${target}`);
    }
  }
  if (replaces.length > 0) lines.push("replace (", ...replaces, ")", "");
  return lines.join("\n");
}

// ---- building ----

async function withLock<T>(name: string, log: Log, fn: () => Promise<T>): Promise<T> {
  const lock = join(cacheRoot(), "peers", `.lock-${name}`);
  await mkdir(join(cacheRoot(), "peers"), { recursive: true });
  let waited = false;
  for (;;) {
    try {
      await mkdir(lock);
      await writeFile(join(lock, "pid"), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const owner = Number((await readFile(join(lock, "pid"), "utf8").catch(() => "")).trim());
      const age = Date.now() - ((await stat(lock).catch(() => undefined))?.mtimeMs ?? Date.now());
      // A dead owner, or an owner that died between creating the lock and writing its pid.
      if ((Number.isInteger(owner) && owner > 0 && !alive(owner)) || (owner === 0 && age > 30_000)) {
        await rm(lock, { recursive: true, force: true });
        continue;
      }
      if (!waited) log(`peers: waiting for another build of ${name} (lock ${lock})`);
      waited = true;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

const stderrLog: Log = (line) => {
  process.stderr.write(`${line}\n`);
};

/** Returns the absolute path of the peer's binary, building it first when the cache lacks this pin. */
export async function ensurePeer(name: string, log: Log = stderrLog): Promise<string> {
  const pin = getPin(name);
  if (await isBuilt(name)) return peerBinary(name, pin);
  return withLock(name, log, async () => {
    if (await isBuilt(name)) return peerBinary(name, pin);
    await build(name, pin, log);
    return peerBinary(name, pin);
  });
}

async function build(name: string, pin: Pin, log: Log): Promise<void> {
  const go = findGo();
  const goVer = await goVersion(pin);
  const env = goEnv(pin);
  const dir = peerDir(name, pin);
  const started = performance.now();
  log(
    `peers: building ${name} ${pin.version} from ${pin.package} with ${goVer} (cold builds take minutes; kube-apiserver the longest)`,
  );
  await mkdir(dir, { recursive: true });
  const ldflags = ["-s", "-w", ...pin.ldflags.map((f) => expand(f, pin))].join(" ");
  const tmpBin = join(dir, `.${pin.binary}.tmp-${process.pid}`);

  const info = JSON.parse(
    (await runOk(go, ["mod", "download", "-json", `${pin.module}@${pin.version}`], { env, log })).stdout,
  ) as { GoMod?: string; Dir?: string };
  if (info.GoMod === undefined)
    throw new Error(`peers: go mod download gave no go.mod for ${pin.module}@${pin.version}`);
  const upstream = parseGoMod(await readFile(info.GoMod, "utf8"));

  if (upstream.replaces.size === 0 && upstream.excludes === 0 && pin.addFiles === undefined) {
    // go install honours the module's own go.mod exactly, and records the module version in the binary.
    const gobin = join(dir, `.gobin-${process.pid}`);
    await rm(gobin, { recursive: true, force: true });
    await runOk(go, ["install", "-trimpath", `-ldflags=${ldflags}`, `${pin.package}@${pin.version}`], {
      env: { ...env, GOBIN: gobin },
      log,
    });
    await rename(join(gobin, lastSegment(pin.package)), tmpBin);
    await rm(gobin, { recursive: true, force: true });
  } else {
    // go install refuses modules with replace directives: build in a throwaway module that requires it.
    const work = join(cacheRoot(), "peers", ".work", `${name}-${pin.version}`);
    await mkdir(work, { recursive: true });
    let localCopy: string | undefined;
    if (pin.addFiles !== undefined) {
      if (info.Dir === undefined)
        throw new Error(`peers: go mod download gave no source dir for ${pin.module}@${pin.version}`);
      localCopy = "./src";
      await copySource(info.Dir, join(work, "src"), pin.addFiles);
    }
    await writeFile(join(work, "go.mod"), throwawayGoMod(pin, upstream, localCopy));
    await rm(join(work, "go.sum"), { force: true });
    await writeFile(
      join(work, "tools.go"),
      `//go:build tools\n\n// Package tools only anchors ${pin.package} for go mod tidy.\npackage tools\n\nimport _ "${pin.package}"\n`,
    );
    const modEnv = { ...env, GOFLAGS: "-mod=mod" };
    await runOk(go, ["mod", "tidy"], { cwd: work, env: modEnv, log });
    await runOk(go, ["build", "-trimpath", `-ldflags=${ldflags}`, "-o", tmpBin, pin.package], {
      cwd: work,
      env: modEnv,
      log,
    });
  }
  await rename(tmpBin, join(dir, pin.binary));
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  await writeFile(
    join(dir, ".build.json"),
    `${JSON.stringify({ name, version: pin.version, go: goVer, seconds, finishedAt: new Date().toISOString() }, null, 2)}\n`,
  );
  await writeFile(join(dir, ".pin-key"), `${pinKey(pin, goVer)}\n`);
  log(`peers: built ${name} ${pin.version} in ${seconds} s -> ${join(dir, pin.binary)}`);
}

/** Copies a module out of the (read-only) module cache and adds the files its own build would generate. */
async function copySource(from: string, to: string, files: Readonly<Record<string, string>>): Promise<void> {
  await rm(to, { recursive: true, force: true });
  await cp(from, to, { recursive: true });
  await makeWritable(to);
  for (const [rel, content] of Object.entries(files)) {
    const dest = join(to, rel);
    await mkdir(dirname(dest), { recursive: true });
    await writeFile(dest, content);
  }
}

async function makeWritable(dir: string): Promise<void> {
  await chmod(dir, 0o755);
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await makeWritable(p);
    else if (e.isFile()) await chmod(p, 0o644);
  }
}

function lastSegment(pkg: string): string {
  const parts = pkg.split("/");
  let last = parts.at(-1) ?? pkg;
  // go install names a binary after the path element before a major-version suffix (…/kustomize/v5 -> kustomize).
  if (/^v\d+$/.test(last) && parts.length > 1) last = parts.at(-2) ?? last;
  return last;
}

/** Builds every peer that the cache lacks, one after another (the machine has few cores). */
export async function buildAll(log: Log = stderrLog): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of peerNames()) out[name] = await ensurePeer(name, log);
  return out;
}

/** Runs the peer's version command and returns what it printed (stdout and stderr). */
export async function versionOutput(name: string): Promise<string> {
  const pin = getPin(name);
  const bin = await ensurePeer(name);
  const r = await run(bin, pin.versionArgs, {
    env: { ...process.env, HOME: process.env["HOME"] ?? homedir() },
  });
  if (r.code !== 0) throw new Error(`${bin} ${pin.versionArgs.join(" ")} exited ${r.code}: ${r.stderr}`);
  return `${r.stdout}${r.stderr}`;
}
