#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Runs the CLI from dist/ (compiled by `npm run build`, which `npm ci` runs) when it is at least as new as
// every source file, else from the TypeScript sources (Node >= 22.18 strips types, but that costs start-up).
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";

// V8's young generation stays at its start size (1 MB semi-spaces), set before any of the CLI loads: streamed
// blobs are many short-lived buffers held by few JavaScript objects, and once V8 has grown the young generation
// the dead buffers wait for scavenges that come rarely, so pull's peak memory rose with the artifact's size.
// V8 reads this flag whenever it considers growing the space (docs/adr/0008-cli-young-generation.md).
setFlagsFromString("--semi-space-growth-factor=1");

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const stamp = join(root, "dist", ".build-stamp");

function newestSource(dir) {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith(".ts") || e.name.endsWith(".json"))
      newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function distIsFresh() {
  if (!existsSync(stamp)) return false;
  if (!existsSync(join(root, "src"))) return true; // installed package: dist only
  return statSync(stamp).mtimeMs >= newestSource(join(root, "src"));
}

const entry = distIsFresh() ? "../dist/cli/main.js" : "../src/cli/main.ts";
const { main } = await import(entry);
process.exitCode = await main(process.argv.slice(2));
