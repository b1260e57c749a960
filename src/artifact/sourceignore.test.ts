// SPDX-License-Identifier: Apache-2.0
// Every row of ../shared/conformance/sourceignore/ (cases.json, load.json, defaults.json) as table tests.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, test } from "node:test";
import {
  EXCLUDE_CI,
  EXCLUDE_EXT,
  EXCLUDE_EXTRA,
  EXCLUDE_VCS,
  loadIgnorePatterns,
  matchPattern,
  newArchiveMatcher,
  newDefaultMatcher,
  newMatcher,
  parsePattern,
  readPatterns,
  type IgnorePattern,
} from "./sourceignore.ts";

const CORPUS = new URL("../../../shared/conformance/sourceignore/", import.meta.url);

function load(name: string): unknown {
  return JSON.parse(readFileSync(new URL(name, CORPUS), "utf8"));
}

interface Case {
  readonly patterns: string[];
  readonly domain?: string[];
  readonly path: string;
  readonly isDir: boolean;
  readonly matcher: "pattern" | "plain" | "default" | "archive" | "none";
  readonly result?: "Exclude" | "Include" | "NoMatch";
  readonly ignored: boolean;
  readonly source: string;
}

function ignoredBy(c: Case): boolean {
  const domain = c.domain ?? [];
  const path = c.path.split("/");
  const ps = readPatterns(c.patterns.join("\n"), domain);
  switch (c.matcher) {
    case "pattern":
      return matchPattern(parsePattern(c.patterns[0] ?? "", domain), path, c.isDir) === "Exclude";
    case "plain":
      return newMatcher(ps).isIgnored(path, c.isDir);
    case "default":
      return newDefaultMatcher(ps, domain).isIgnored(path, c.isDir);
    case "archive":
      return newArchiveMatcher(ps, domain).isIgnored(path, c.isDir);
    case "none":
      return false;
  }
}

describe("sourceignore conformance: cases.json", () => {
  const cases = load("cases.json") as Case[];
  test("corpus is present", () => {
    assert.ok(cases.length >= 100);
  });
  cases.forEach((c, i) => {
    test(`#${i} ${c.matcher} ${JSON.stringify(c.patterns)} ${c.domain?.join("/") ?? ""}:${c.path}${c.isDir ? "/" : ""}`, () => {
      if (c.matcher === "pattern" && c.result !== undefined) {
        const p = parsePattern(c.patterns[0] ?? "", c.domain ?? []);
        assert.equal(matchPattern(p, c.path.split("/"), c.isDir), c.result, c.source);
      }
      assert.equal(ignoredBy(c), c.ignored, c.source);
    });
  });
});

interface LoadRow {
  readonly name: string;
  readonly api: string;
  readonly files?: Record<string, string>;
  readonly file?: string | null;
  readonly domain: string[];
  readonly want: { pattern: string; domain: string[] }[];
  readonly checks?: { path: string; isDir: boolean; matcher: string; ignored: boolean }[];
}

function shape(
  ps: readonly IgnorePattern[],
  root: readonly string[],
): { pattern: string; domain: string[] }[] {
  return ps.map((p) => {
    const domain =
      p.domain.length >= root.length && root.every((r, i) => p.domain[i] === r)
        ? ["ROOT", ...p.domain.slice(root.length)]
        : [...p.domain];
    return {
      pattern: `${p.inclusion ? "!" : ""}${p.parts.join("/")}${p.dirOnly ? "/" : ""}`,
      domain: root.length === 0 ? [...p.domain] : domain,
    };
  });
}

describe("sourceignore conformance: load.json", () => {
  for (const row of load("load.json") as LoadRow[]) {
    test(`${row.api} ${row.name}`, async () => {
      const dir = await mkdtemp(join(tmpdir(), "ocisync-si-"));
      try {
        const root = dir.split("/");
        const domain = row.domain.length === 0 ? [] : root;
        let got: IgnorePattern[];
        if (row.api.startsWith("LoadIgnorePatterns")) {
          for (const [name, body] of Object.entries(row.files ?? {})) {
            await mkdir(dirname(join(dir, name)), { recursive: true });
            await writeFile(join(dir, name), body);
          }
          got = await loadIgnorePatterns(dir, domain);
        } else {
          got = row.file === null || row.file === undefined ? [] : readPatterns(row.file, domain);
        }
        assert.deepEqual(shape(got, domain), row.want);
        for (const c of row.checks ?? []) {
          assert.equal(newMatcher(got).isIgnored(c.path.split("/"), c.isDir), c.ignored, c.path);
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});

describe("sourceignore conformance: defaults.json", () => {
  const d = load("defaults.json") as Record<string, unknown>;
  const table: { name: string; got: string; want: unknown }[] = [
    { name: "ExcludeVCS", got: EXCLUDE_VCS.join(","), want: d.ExcludeVCS },
    { name: "ExcludeExt", got: EXCLUDE_EXT.join(","), want: d.ExcludeExt },
    { name: "ExcludeCI", got: EXCLUDE_CI.join(","), want: d.ExcludeCI },
    { name: "ExcludeExtra", got: EXCLUDE_EXTRA.join(","), want: d.ExcludeExtra },
  ];
  for (const c of table) {
    test(c.name, () => {
      assert.equal(c.got, c.want);
    });
  }
});
