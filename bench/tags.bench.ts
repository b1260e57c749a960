// SPDX-License-Identifier: Apache-2.0
// `ocisync tags` and `ocisync resolve --semver` vs `skopeo list-tags` on a 10,000-tag repository on the
// local registry (issues 2 and 4).
// Run: node bench/tags.bench.ts [--tags 10000] [--runs 7]
import { parseArgs } from "node:util";
import { OciClient, parseTarget } from "../src/oci/index.ts";
import { artifactBytes } from "../src/testing/index.ts";
import { startRegistry } from "../test/support/registry.ts";
import { compiledCli } from "./support/compiled-cli.ts";
import { measure, report } from "./support/measure.ts";

const { values } = parseArgs({
  options: { tags: { type: "string", default: "10000" }, runs: { type: "string", default: "7" } },
});
const count = Number(values.tags);
const runs = Number(values.runs);
const cli = await compiledCli();
const bin = cli.bin;

const reg = await startRegistry();
try {
  const repo = new OciClient({ plainHttp: true }).repository(parseTarget(`${reg.host}/bench/app`));
  const fx = artifactBytes("bench");
  await repo.pushBlob(fx.config.desc, fx.config.bytes);
  await repo.pushBlob(fx.layer.desc, fx.layer.bytes);
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      const tag =
        i % 10 === 9 ? `build-${i}` : `${Math.floor(i / 1000)}.${Math.floor(i / 10) % 100}.${i % 10}`;
      await repo.pushManifest(fx.manifest.bytes, fx.manifest.desc.mediaType, tag);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  console.log(`pushed ${count} tags in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const url = `${reg.host}/bench/app`;
  const sets = [
    await measure(
      "ocisync tags",
      process.execPath,
      [bin, "tags", "--plain-http", "-o", "json", `oci://${url}`],
      runs,
    ),
    await measure("skopeo list-tags", "skopeo", ["list-tags", "--tls-verify=false", `docker://${url}`], runs),
  ];
  const resolveSets = [
    await measure(
      "ocisync resolve --semver",
      process.execPath,
      [bin, "resolve", "--plain-http", "-o", "json", `oci://${url}`, "--semver", ">=1.0.0"],
      runs,
    ),
    await measure("skopeo list-tags", "skopeo", ["list-tags", "--tls-verify=false", `docker://${url}`], runs),
  ];
  report(`resolve --semver over ${count} tags (list + select + HEAD) vs skopeo listing alone`, resolveSets);
  report(`list ${count} tags (wall time and peak memory per process)`, sets);
  const startup = [
    await measure("ocisync --version", process.execPath, [bin, "--version"], runs),
    await measure("skopeo --version", "skopeo", ["--version"], runs),
    await measure("node -e 0 (runtime only)", process.execPath, ["-e", "0"], runs),
  ];
  report("process start-up alone", startup);
} finally {
  await reg.stop();
  await cli.remove();
}
