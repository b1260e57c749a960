// SPDX-License-Identifier: Apache-2.0
// Runs a command several times under GNU time and reports wall time and peak RSS; benchmarks compare
// ocisync with its peers side by side in one run and print ratios of medians (DESIGN.md §8).
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Wall times (ms) and peak resident set sizes (KiB) of repeated runs. */
export interface Samples {
  readonly label: string;
  readonly wallMs: number[];
  readonly maxRssKb: number[];
}

/** The median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

/** Runs `cmd args` `runs` times (after one warm-up run) and collects wall time and peak RSS; fails on a non-zero exit. */
export async function measure(
  label: string,
  cmd: string,
  args: readonly string[],
  runs: number,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Samples> {
  const dir = await mkdtemp(join(tmpdir(), "ocisync-bench-"));
  const out = join(dir, "time");
  const samples: Samples = { label, wallMs: [], maxRssKb: [] };
  try {
    for (let i = 0; i <= runs; i++) {
      const started = performance.now();
      await new Promise<void>((resolve, reject) => {
        execFile(
          "/usr/bin/time",
          ["-f", "%M", "-o", out, cmd, ...args],
          { env, maxBuffer: 256 * 1024 * 1024 },
          (err, _stdout, stderr) => {
            if (err) reject(new Error(`${label} failed: ${stderr.slice(0, 2000)}`, { cause: err }));
            else resolve();
          },
        );
      });
      const wall = performance.now() - started;
      if (i === 0) continue; // warm-up
      samples.wallMs.push(wall);
      samples.maxRssKb.push(Number((await readFile(out, "utf8")).trim().split("\n").at(-1)));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return samples;
}

/** Prints one line per sample set and the ratios of each to the first (the ocisync one). */
export function report(title: string, sets: readonly Samples[]): void {
  const base = sets[0];
  if (base === undefined) return;
  console.log(`\n${title}`);
  console.log(
    `${"".padEnd(28)} ${"wall median".padStart(12)} ${"peak RSS median".padStart(16)} ${"wall ratio".padStart(11)} ${"RSS ratio".padStart(10)}`,
  );
  for (const s of sets) {
    const wall = median(s.wallMs);
    const rss = median(s.maxRssKb);
    const wallRatio = wall / median(base.wallMs);
    const rssRatio = rss / median(base.maxRssKb);
    console.log(
      `${s.label.padEnd(28)} ${`${wall.toFixed(0)} ms`.padStart(12)} ${`${(rss / 1024).toFixed(1)} MiB`.padStart(16)} ${wallRatio.toFixed(2).padStart(11)} ${rssRatio.toFixed(2).padStart(10)}`,
    );
  }
  console.log(
    `(ratios are peer / ${base.label}: above 1 means ${base.label} is faster or smaller; runs: ${base.wallMs.length})`,
  );
}
