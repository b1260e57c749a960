// SPDX-License-Identifier: Apache-2.0
/**
 * Flux's ignore rules: go-git's gitignore patterns as vendored in fluxcd/pkg `sourceignore/gitignore`, the
 * default lists, `.sourceignore` loading and source-controller's archive filter. Written by hand because the
 * rules differ from git's (and from every npm ignore library): a pattern without `/` matches any path
 * component, a pattern with `/` matches a prefix, the last matching pattern wins, and excluded directories are
 * not pruned. See ../../docs/artifacts.md and https://github.com/fluxcd/pkg/tree/main/sourceignore
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { goMatch } from "./go-match.ts";

/** What one pattern says about a path. */
export type MatchResult = "NoMatch" | "Exclude" | "Include";

/** One parsed pattern, scoped to `domain` (the path components of the directory it was read for). */
export interface IgnorePattern {
  readonly domain: readonly string[];
  readonly parts: readonly string[];
  readonly inclusion: boolean;
  readonly dirOnly: boolean;
  readonly isGlob: boolean;
}

/** The name of the per-directory ignore file. */
export const IGNORE_FILE = ".sourceignore";
/** `sourceignore.ExcludeVCS`. */
export const EXCLUDE_VCS: readonly string[] = [".git/", ".gitignore", ".gitmodules", ".gitattributes"];
/** `sourceignore.ExcludeExt`. */
export const EXCLUDE_EXT: readonly string[] = [
  "*.jpg",
  "*.jpeg",
  "*.gif",
  "*.png",
  "*.wmv",
  "*.flv",
  "*.tar.gz",
  "*.zip",
];
/** `sourceignore.ExcludeCI`. */
export const EXCLUDE_CI: readonly string[] = [
  ".github/",
  ".circleci/",
  ".travis.yml",
  ".gitlab-ci.yml",
  "appveyor.yml",
  ".drone.yml",
  "cloudbuild.yaml",
  "codeship-services.yml",
  "codeship-steps.yml",
];
/** `sourceignore.ExcludeExtra`. */
export const EXCLUDE_EXTRA: readonly string[] = ["**/.goreleaser.yml", "**/.sops.yaml", "**/.flux.yaml"];
/** The default of `flux push artifact --ignore-paths` (`excludeOCI` = VCS + ext). */
export const PUSH_DEFAULT_IGNORE: readonly string[] = [...EXCLUDE_VCS, ...EXCLUDE_EXT];

/** Parses one pattern line (gitignore `ParsePattern`): `!` inclusion, trailing-space trim, trailing `/` = directories only. */
export function parsePattern(line: string, domain: readonly string[] = []): IgnorePattern {
  let p = line;
  const inclusion = p.startsWith("!");
  if (inclusion) p = p.slice(1);
  if (!p.endsWith("\\ ")) p = p.replace(/ +$/, "");
  const dirOnly = p.endsWith("/");
  if (dirOnly) p = p.slice(0, -1);
  return { domain: [...domain], parts: p.split("/"), inclusion, dirOnly, isGlob: p.includes("/") };
}

/** One pattern's verdict on a path given as components. */
export function matchPattern(p: IgnorePattern, path: readonly string[], isDir: boolean): MatchResult {
  if (path.length <= p.domain.length) return "NoMatch";
  for (let i = 0; i < p.domain.length; i++) if (path[i] !== p.domain[i]) return "NoMatch";
  const rest = path.slice(p.domain.length);
  const hit = p.isGlob ? globMatch(p, rest, isDir) : simpleNameMatch(p, rest, isDir);
  if (!hit) return "NoMatch";
  return p.inclusion ? "Include" : "Exclude";
}

function simpleNameMatch(p: IgnorePattern, path: readonly string[], isDir: boolean): boolean {
  const first = p.parts[0] ?? "";
  for (let i = 0; i < path.length; i++) {
    if (!goMatch(first, path[i] ?? "")) continue;
    if (p.dirOnly && !isDir && i === path.length - 1) return false;
    return true;
  }
  return false;
}

function globMatch(p: IgnorePattern, pathIn: readonly string[], isDir: boolean): boolean {
  let path = pathIn;
  let matched = false;
  let canTraverse = false;
  for (let i = 0; i < p.parts.length; i++) {
    const part = p.parts[i] ?? "";
    if (part === "") {
      canTraverse = false;
      continue;
    }
    if (part === "**") {
      if (i === p.parts.length - 1) break;
      canTraverse = true;
      continue;
    }
    if (part.includes("**")) return false;
    if (path.length === 0) return false;
    if (canTraverse) {
      canTraverse = false;
      while (path.length > 0) {
        const e = path[0] ?? "";
        path = path.slice(1);
        if (goMatch(part, e)) {
          matched = true;
          break;
        } else if (path.length === 0) {
          matched = false;
        }
      }
    } else {
      if (!goMatch(part, path[0] ?? "")) return false;
      matched = true;
      path = path.slice(1);
    }
  }
  if (matched && p.dirOnly && !isDir && path.length === 0) matched = false;
  return matched;
}

/** A matcher over patterns in increasing priority: the last pattern that matches decides. */
export interface IgnoreMatcher {
  readonly patterns: readonly IgnorePattern[];
  /** True when the path (components) is excluded. */
  isIgnored(path: readonly string[], isDir: boolean): boolean;
}

/** `gitignore.NewMatcher`: no defaults. Used by `flux push artifact` for `--ignore-paths`. */
export function newMatcher(patterns: readonly IgnorePattern[]): IgnoreMatcher {
  return {
    patterns,
    isIgnored(path, isDir) {
      for (let i = patterns.length - 1; i >= 0; i--) {
        const p = patterns[i];
        if (p === undefined) continue;
        const r = matchPattern(p, path, isDir);
        if (r !== "NoMatch") return r === "Exclude";
      }
      return false;
    },
  };
}

/** VCS patterns scoped to `domain`. */
export function vcsPatterns(domain: readonly string[] = []): IgnorePattern[] {
  return EXCLUDE_VCS.map((p) => parsePattern(p, domain));
}

/** Ext, CI and extra patterns scoped to `domain`. */
export function defaultPatterns(domain: readonly string[] = []): IgnorePattern[] {
  return [...EXCLUDE_EXT, ...EXCLUDE_CI, ...EXCLUDE_EXTRA].map((p) => parsePattern(p, domain));
}

/** `sourceignore.NewDefaultMatcher`: VCS + defaults at lowest priority, then `patterns`. */
export function newDefaultMatcher(
  patterns: readonly IgnorePattern[],
  domain: readonly string[] = [],
): IgnoreMatcher {
  return newMatcher([...vcsPatterns(domain), ...defaultPatterns(domain), ...patterns]);
}

/**
 * source-controller's archive filter (`artifact/storage` `SourceIgnoreFilter`): with no patterns the default
 * matcher; with any pattern only the VCS patterns stay below them (the other defaults are dropped).
 */
export function newArchiveMatcher(
  patterns: readonly IgnorePattern[],
  domain: readonly string[] = [],
): IgnoreMatcher {
  return patterns.length === 0
    ? newDefaultMatcher([], domain)
    : newMatcher([...vcsPatterns(domain), ...patterns]);
}

/** Patterns from ignore-file text (`ReadPatterns`): lines starting with `#` and blank lines are skipped. */
export function readPatterns(text: string, domain: readonly string[] = []): IgnorePattern[] {
  const out: IgnorePattern[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (!line.startsWith("#") && line.trim().length > 0) out.push(parsePattern(line, domain));
  }
  return out;
}

/** `ReadIgnoreFile`: a missing file gives no patterns. */
export async function readIgnoreFile(path: string, domain: readonly string[] = []): Promise<IgnorePattern[]> {
  try {
    return readPatterns(await readFile(path, "utf8"), domain);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
}

/**
 * `LoadIgnorePatterns`: the directory's own `.sourceignore`, then each subdirectory's in name order, depth
 * first, each scoped to its directory (`.git` skipped; symlinked directories are not followed).
 */
export async function loadIgnorePatterns(
  dir: string,
  domain: readonly string[] = [],
): Promise<IgnorePattern[]> {
  const ps = await readIgnoreFile(join(dir, IGNORE_FILE), domain);
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => compareNames(a.name, b.name));
  for (const e of entries) {
    if (e.isDirectory() && e.name !== ".git")
      ps.push(...(await loadIgnorePatterns(join(dir, e.name), [...domain, e.name])));
  }
  return ps;
}

/** Go's `os.ReadDir` order: byte-wise comparison of UTF-8 names. */
export function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
