// SPDX-License-Identifier: Apache-2.0
// `ocisync resolve --semver` end to end: tags pushed to the real registry, the CLI run as a process.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { OciClient, parseTarget } from "../src/oci/index.ts";
import { artifactBytes } from "../src/testing/index.ts";
import { ocisync } from "./support/cli.ts";
import { startRegistry, type TestRegistry } from "./support/registry.ts";

const TAGS = [
  "0.9.0",
  "1.0.0",
  "v1.1.0",
  "1.1.1",
  "1.2.0-rc.1",
  "1.3",
  "latest",
  "sha256-0000000000000000000000000000000000000000000000000000000000000000.sig",
  "v2.0.0",
  "2.0.0",
];

describe("ocisync resolve --semver (process, real registry)", () => {
  let reg: TestRegistry;
  const digests = new Map<string, string>();
  let url = "";
  before(async () => {
    reg = await startRegistry();
    url = `oci://${reg.host}/tenant/app`;
    const repo = new OciClient({ plainHttp: true }).repository(parseTarget(url));
    for (const tag of TAGS) {
      const fx = artifactBytes(`version ${tag}`);
      await repo.pushBlob(fx.config.desc, fx.config.bytes);
      await repo.pushBlob(fx.layer.desc, fx.layer.bytes);
      digests.set(tag, (await repo.pushManifest(fx.manifest.bytes, fx.manifest.desc.mediaType, tag)).digest);
    }
  });
  after(() => reg.stop());

  const cases = [
    { name: "highest stable in range", args: ["--semver", ">=1.0.0 <2.0.0"], tag: "1.1.1" },
    { name: "prerelease admitted by a -0 range", args: ["--semver", ">=1.2.0-0 <2.0.0"], tag: "1.2.0-rc.1" },
    {
      name: "v prefix kept as spelled",
      args: ["--semver", "~1.1.0", "--semver-filter", "^v"],
      tag: "v1.1.0",
    },
    {
      name: "tie between 2.0.0 and v2.0.0: lexically smallest tag",
      args: ["--semver", ">=2.0.0"],
      tag: "2.0.0",
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const r = await ocisync(["resolve", "-o", "json", "--plain-http", url, ...c.args]);
      assert.equal(r.code, 0, r.stderr);
      const d = digests.get(c.tag) ?? "";
      assert.deepEqual(JSON.parse(r.stdout), { url, tag: c.tag, digest: d, revision: `${c.tag}@${d}` });
    });
  }

  test("--explain lists every tag with its verdict, in JSON", async () => {
    const r = await ocisync([
      "resolve",
      "-o",
      "json",
      "--plain-http",
      url,
      "--semver",
      ">=1.0.0 <2.0.0",
      "--explain",
    ]);
    const out = JSON.parse(r.stdout) as { explain: { tag: string; verdict: string }[] };
    const verdicts = Object.fromEntries(out.explain.map((v) => [v.tag, v.verdict]));
    assert.equal(out.explain.length, TAGS.length);
    assert.equal(verdicts["1.1.1"], "selected");
    assert.equal(verdicts["0.9.0"], "out-of-range");
    assert.equal(verdicts["1.2.0-rc.1"], "prerelease-excluded");
    assert.equal(verdicts["1.3"], "not-a-version");
    assert.equal(verdicts.latest, "not-a-version");
    assert.equal(verdicts["2.0.0"], "out-of-range");
  });

  test("nothing matches: NO_MATCHING_TAG naming the range and the tag count, exit 1", async () => {
    const r = await ocisync(["resolve", "--plain-http", url, "--semver", ">=5.0.0"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /\[NO_MATCHING_TAG\]/);
    assert.match(r.stderr, />=5\.0\.0/);
    assert.match(r.stderr, new RegExp(`${TAGS.length} tags`));
  });

  test("an invalid range is INVALID_SEMVER, an RE2-incompatible filter INVALID_FILTER; both exit 1", async () => {
    const bad = await ocisync(["resolve", "--plain-http", url, "--semver", ">=1.0.0 <<2"]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /\[INVALID_SEMVER\]/);
    const filter = await ocisync([
      "resolve",
      "--plain-http",
      url,
      "--semver",
      ">=1.0.0",
      "--semver-filter",
      "^(?=v)",
    ]);
    assert.equal(filter.code, 1);
    assert.match(filter.stderr, /\[INVALID_FILTER\]/);
  });
});
