// SPDX-License-Identifier: Apache-2.0
// Times selectTag over synthetic registry tag lists: `node bench/semver-select.bench.ts`.
// Prints the median milliseconds per call over several runs, after a warm-up.
import { selectTag } from "../src/semver/index.ts";
import type { SelectOptions } from "../src/semver/index.ts";

/** Small deterministic PRNG (mulberry32), so every run sees the same tags. */
function prng(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) % n;
  };
}

/** A mix like a busy repository: releases, prereleases, cosign tags, CI junk. */
function syntheticTags(count: number): string[] {
  const rnd = prng(count);
  const tags: string[] = [];
  for (let i = 0; i < count; i++) {
    const v = `${rnd(6)}.${rnd(40)}.${rnd(100)}`;
    switch (rnd(10)) {
      case 0:
      case 1:
        tags.push(`${v}-rc.${rnd(12)}`);
        break;
      case 2:
        tags.push(`sha256-${rnd(0x7fffffff).toString(16).padStart(8, "0").repeat(8)}.sig`);
        break;
      case 3:
        tags.push(
          ["latest", "main", `sha-${rnd(0xffffff).toString(16)}`, `pr-${rnd(5000)}`][rnd(4)] ?? "latest",
        );
        break;
      case 4:
        tags.push(`v${v}`);
        break;
      case 5:
        tags.push(`${v}+build.${rnd(1000)}`);
        break;
      default:
        tags.push(v);
    }
  }
  return tags;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

function time(tags: readonly string[], range: string, opts: SelectOptions, runs: number): number {
  selectTag(tags, range, opts);
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) {
    const started = performance.now();
    selectTag(tags, range, opts);
    samples.push(performance.now() - started);
  }
  return median(samples);
}

const scenarios: { name: string; range: string; opts: SelectOptions }[] = [
  { name: "range", range: ">=1.0.0 <5.0.0", opts: {} },
  { name: "range + prereleases", range: ">=1.0.0-0", opts: {} },
  { name: "range + semverFilter", range: ">=0.0.0-0", opts: { filter: ".*-rc.*" } },
  { name: "range + explain", range: ">=1.0.0 <5.0.0", opts: { explain: true } },
];

for (const size of [10_000, 100_000]) {
  const tags = syntheticTags(size);
  for (const s of scenarios) {
    const runs = size > 10_000 && s.opts.explain === true ? 5 : 11;
    const ms = time(tags, s.range, s.opts, runs);
    console.log(
      `${String(size).padStart(7)} tags  ${s.name.padEnd(22)} ${ms.toFixed(2).padStart(8)} ms/call (median of ${runs})`,
    );
  }
}
