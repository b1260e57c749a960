// SPDX-License-Identifier: Apache-2.0
// Push and pull of a many-file artifact on the local registry: ocisync against `flux` and `oras` in the same
// run (issue 5). Wall time and peak RSS medians, ratios to ocisync; then ocisync's peak memory at a larger size
// to show it does not grow with the artifact.
// Run: node bench/artifact-push-pull.bench.ts [--mb 50] [--files 5000] [--runs 5] [--big-mb 500] [--big-runs 2]
//      [--pull-only-mb 2000,...]  (pull-only sizes beyond --big-mb, to show where peak memory levels off)
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { peerPath } from "../test/support/peers.ts";
import { startRegistry } from "../test/support/registry.ts";
import { compiledCli } from "./support/compiled-cli.ts";
import { measure, median, report, type Samples } from "./support/measure.ts";

const { values } = parseArgs({
  options: {
    mb: { type: "string", default: "50" },
    files: { type: "string", default: "5000" },
    runs: { type: "string", default: "5" },
    "big-mb": { type: "string", default: "500" },
    "big-runs": { type: "string", default: "2" },
    "pull-only-mb": { type: "string", default: "" },
  },
});
const runs = Number(values.runs);

const cli = await compiledCli();
const bin = cli.bin;

/** Deterministic text-like content (base64 of a PRNG stream): compresses about as well as YAML with hashes. */
function content(seed: number, bytes: number): Buffer {
  const raw = Buffer.alloc(Math.ceil((bytes * 3) / 4));
  let s = seed | 1;
  for (let i = 0; i < raw.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    raw[i] = s & 0x3f; // 6 bits of entropy per byte
  }
  return Buffer.from(raw.toString("base64").slice(0, bytes));
}

/** `files` files totalling about `mb` MiB, 50 per directory. */
async function makeTree(root: string, mb: number, files: number): Promise<void> {
  const each = Math.floor((mb * 1024 * 1024) / files);
  for (let i = 0; i < files; i++) {
    const dir = join(root, `dir-${String(Math.floor(i / 50)).padStart(3, "0")}`);
    if (i % 50 === 0) await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `file-${i}.yaml`), content(i + 1, each));
  }
}

/** `sh -c` so every run gets a fresh repository ($$) or a fresh output directory. */
const sh = (script: string): [string, string[]] => ["/bin/sh", ["-c", script]];

const [flux, oras] = await Promise.all([peerPath("flux"), peerPath("oras")]);
const reg = await startRegistry({ auth: "anonymous" });
const work = await mkdtemp(join(tmpdir(), "ocisync-artifact-bench-"));
const env = { ...process.env, HOME: work, DOCKER_CONFIG: work };
try {
  const node = process.execPath;
  const pushSets = async (label: string, src: string, n: number, withOras = true): Promise<Samples[]> => [
    await measure(
      `ocisync push ${label}`,
      ...sh(
        `exec ${node} ${bin} --plain-http push ${src} oci://${reg.host}/bench/ocisync-$$:1 --source s --revision r`,
      ),
      n,
      env,
    ),
    await measure(
      `ocisync push --gzip zlib`,
      ...sh(
        `exec ${node} ${bin} --plain-http push ${src} oci://${reg.host}/bench/zlib-$$:1 --source s --revision r --gzip zlib`,
      ),
      n,
      env,
    ),
    await measure(
      `flux push artifact ${label}`,
      ...sh(
        `exec ${flux} push artifact oci://${reg.host}/bench/flux-$$:1 --path ${src} --source s --revision r --insecure-registry`,
      ),
      n,
      env,
    ),
    ...(withOras
      ? [
          await measure(
            `oras push ${label}`,
            ...sh(`cd ${src}/.. && exec ${oras} push --plain-http ${reg.host}/bench/oras-$$:1 src`),
            n,
            env,
          ),
        ]
      : []),
  ];
  const pullSets = async (label: string, n: number, withOras = true): Promise<Samples[]> => {
    const out = join(work, "out");
    const fresh = `rm -rf ${out} && mkdir ${out} &&`;
    return [
      await measure(
        `ocisync pull ${label}`,
        ...sh(
          `${fresh} exec ${node} ${bin} --plain-http pull oci://${reg.host}/bench/src:1 --output-dir ${out} --max-extracted-size 8Gi`,
        ),
        n,
        env,
      ),
      await measure(
        `flux pull artifact ${label}`,
        ...sh(`${fresh} exec ${flux} pull artifact oci://${reg.host}/bench/src:1 --output ${out}`),
        n,
        env,
      ),
      ...(withOras
        ? [
            await measure(
              `oras pull ${label}`,
              ...sh(`${fresh} exec ${oras} pull --plain-http ${reg.host}/bench/oras-src:1 -o ${out}`),
              n,
              env,
            ),
          ]
        : []),
    ];
  };
  const prepare = async (mb: number, files: number, withOras = true): Promise<string> => {
    const src = join(work, `tree-${mb}`, "src");
    await rm(join(work, `tree-${mb}`), { recursive: true, force: true });
    await makeTree(src, mb, files);
    await measure(
      "seed ocisync artifact",
      node,
      [bin, "--plain-http", "push", src, `oci://${reg.host}/bench/src:1`],
      0,
      env,
    );
    if (withOras)
      await measure(
        "seed oras artifact",
        ...sh(`cd ${src}/.. && exec ${oras} push --plain-http ${reg.host}/bench/oras-src:1 src`),
        0,
        env,
      );
    return src;
  };

  const mb = Number(values.mb);
  const files = Number(values.files);
  console.log(`artifact: ${files} files, ${mb} MiB; ${runs} runs after a warm-up; peers ${flux}, ${oras}`);
  const src = await prepare(mb, files);
  const push = await pushSets(`${mb} MiB`, src, runs);
  const pull = await pullSets(`${mb} MiB`, runs);
  report(`push ${mb} MiB, ${files} files`, push);
  report(`pull ${mb} MiB, ${files} files`, pull);

  const bigMb = Number(values["big-mb"]);
  const bigRuns = Number(values["big-runs"]);
  if (bigMb > 0 && bigRuns > 0) {
    await rm(join(work, `tree-${mb}`), { recursive: true, force: true });
    const big = await prepare(bigMb, files);
    const bigPush = await pushSets(`${bigMb} MiB`, big, bigRuns, false);
    const bigPull = await pullSets(`${bigMb} MiB`, bigRuns, false);
    report(`push ${bigMb} MiB, ${files} files`, bigPush);
    report(`pull ${bigMb} MiB, ${files} files`, bigPull);
    await rm(join(work, `tree-${bigMb}`), { recursive: true, force: true });
    const pullOnly: [number, Samples[]][] = [];
    for (const extra of values["pull-only-mb"]
      .split(",")
      .filter((x) => x !== "")
      .map(Number)) {
      await prepare(extra, files, false);
      const sets = await pullSets(`${extra} MiB`, bigRuns, false);
      report(`pull ${extra} MiB, ${files} files`, sets);
      pullOnly.push([extra, sets]);
      await rm(join(work, `tree-${extra}`), { recursive: true, force: true });
    }
    console.log(`\npeak RSS by artifact size (medians, ${files} files each)`);
    const sizes = [mb, bigMb, ...pullOnly.map(([m]) => m)];
    console.log(`${"".padEnd(26)} ${sizes.map((m) => `${m} MiB`.padStart(10)).join(" ")}   growth`);
    const rows: [string, (Samples | undefined)[]][] = [
      ["ocisync push", [push[0], bigPush[0]]],
      ["ocisync push --gzip zlib", [push[1], bigPush[1]]],
      ["flux push", [push[2], bigPush[2]]],
      ["ocisync pull", [pull[0], bigPull[0], ...pullOnly.map(([, p]) => p[0])]],
      ["flux pull", [pull[1], bigPull[1], ...pullOnly.map(([, p]) => p[1])]],
    ];
    for (const [label, samples] of rows) {
      const mib = samples.map((x) => (x === undefined ? undefined : median(x.maxRssKb) / 1024));
      const first = mib[0];
      const last = mib.filter((x) => x !== undefined).at(-1);
      const growth = first === undefined || last === undefined ? "" : `x${(last / first).toFixed(2)}`;
      console.log(
        `${label.padEnd(26)} ${mib.map((x) => (x === undefined ? "—" : x.toFixed(1)).padStart(10)).join(" ")}   ${growth}`,
      );
    }
  }
} finally {
  await reg.stop();
  await rm(work, { recursive: true, force: true });
  await cli.remove();
}
