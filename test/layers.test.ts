// SPDX-License-Identifier: Apache-2.0
// The import-boundary rule of STYLE.md §3 (after go-containerregistry's depcheck).
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { test } from "node:test";

const ORDER = ["core", "oci", "semver", "artifact", "verify", "build", "apply", "controller", "cli"];
const SIBLINGS = new Set(["verify", "build", "apply"]);
const SRC = resolve(import.meta.dirname, "..", "src");
const MAINS = new Set(["cli/main.ts", "controller/main.ts"]);

function* sourceFiles(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* sourceFiles(p);
    else if (e.name.endsWith(".ts")) yield p;
  }
}

function layerOf(file: string): string {
  return relative(SRC, file).split(sep)[0] ?? "";
}

function importsOf(text: string): string[] {
  const re = /(?:^|\n)\s*(?:import|export)[^'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;
  return [...text.matchAll(re)].map((m) => m[1] ?? m[2] ?? "");
}

function violations(): string[] {
  const out: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const rel = relative(SRC, file).split(sep).join("/");
    const from = layerOf(file);
    const isTest = file.endsWith(".test.ts");
    const text = readFileSync(file, "utf8");
    for (const spec of importsOf(text)) {
      if (!spec.startsWith(".")) continue;
      const target = resolve(dirname(file), spec);
      if (relative(SRC, target).startsWith("..")) {
        if (!isTest) out.push(`${rel} imports ${spec}: product code may not import from outside src/`);
        continue; // co-located tests may use the fixtures in test/support
      }
      const to = layerOf(target);
      if (to === from) continue;
      const where = `${rel} imports ${spec}`;
      if (to === "testing") {
        if (!isTest && from !== "testing") out.push(`${where}: only tests may import testing/`);
        continue;
      }
      if (from === "testing" || from === "index.ts") continue; // src/index.ts is the package's root surface
      if (ORDER.indexOf(to) > ORDER.indexOf(from)) out.push(`${where}: ${from} may not import ${to}`);
      if (SIBLINGS.has(from) && SIBLINGS.has(to)) out.push(`${where}: verify, build and apply are siblings`);
      const inner = relative(join(SRC, to), target);
      if (inner !== "index.ts" && inner !== "") out.push(`${where}: import ${to} through its index.ts`);
    }
    if (!MAINS.has(rel) && !isTest && from !== "testing" && /process\.(env|argv)/.test(text)) {
      out.push(`${rel} reads process.env/argv: only cli/main.ts and controller/main.ts may`);
    }
  }
  return out;
}

test("layers import only downward, through index.ts, and only main.ts reads process.env", () => {
  assert.deepEqual(violations(), []);
});
