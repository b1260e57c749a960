// SPDX-License-Identifier: Apache-2.0
// `ocisync tags` and `ocisync resolve --tag/--digest` as a process, against the real registry and a layout.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { OciClient, parseTarget } from "../src/oci/index.ts";
import { artifactBytes } from "../src/testing/index.ts";
import { ocisync } from "./support/cli.ts";
import { startFaultProxy, type FaultProxy } from "./support/fault-proxy.ts";
import { pushFixture } from "./support/fixtures.ts";
import { startRegistry, type TestRegistry } from "./support/registry.ts";

describe("ocisync tags / resolve (process)", () => {
  let reg: TestRegistry;
  let basic: TestRegistry;
  let proxy: FaultProxy;
  let home: string;
  const fx = artifactBytes("cli");
  before(async () => {
    [reg, basic] = await Promise.all([startRegistry(), startRegistry({ auth: "basic" })]);
    proxy = await startFaultProxy(reg);
    home = await mkdtemp(join(tmpdir(), "ocisync-cli-"));
    await pushFixture(
      new OciClient({ plainHttp: true }).repository(parseTarget(`${reg.host}/team/app`)),
      fx,
      "1.0.0",
    );
    const creds = {
      get: () =>
        Promise.resolve({
          kind: "basic" as const,
          username: basic.username ?? "",
          password: basic.password ?? "",
        }),
    };
    await pushFixture(
      new OciClient({ plainHttp: true, credentials: creds }).repository(
        parseTarget(`${basic.host}/team/app`),
      ),
      fx,
      "2.0.0",
    );
  });
  after(async () => {
    await proxy.stop();
    await Promise.all([reg.stop(), basic.stop()]);
    await rm(home, { recursive: true, force: true });
  });

  test("tags: text and JSON", async () => {
    const text = await ocisync(["tags", "--plain-http", `oci://${reg.host}/team/app`]);
    assert.equal(text.code, 0, text.stderr);
    assert.equal(text.stdout, "1.0.0\n");
    const json = await ocisync(["tags", "-o", "json", "--plain-http", `oci://${reg.host}/team/app`]);
    assert.deepEqual(JSON.parse(json.stdout), ["1.0.0"]);
  });

  test("resolve --tag prints url, tag, digest and revision", async () => {
    const r = await ocisync([
      "resolve",
      "-o",
      "json",
      "--plain-http",
      `oci://${reg.host}/team/app`,
      "--tag",
      "1.0.0",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const d = fx.manifest.desc.digest;
    assert.deepEqual(JSON.parse(r.stdout), {
      url: `oci://${reg.host}/team/app`,
      tag: "1.0.0",
      digest: d,
      revision: `1.0.0@${d}`,
    });
    const text = await ocisync(["resolve", "--plain-http", `oci://${reg.host}/team/app:1.0.0`]);
    assert.equal(text.stdout, `1.0.0@${d}\n`);
    const byDigest = await ocisync([
      "resolve",
      "-o",
      "json",
      "--plain-http",
      `oci://${reg.host}/team/app`,
      "--digest",
      d,
    ]);
    assert.deepEqual(JSON.parse(byDigest.stdout), {
      url: `oci://${reg.host}/team/app`,
      digest: d,
      revision: d,
    });
  });

  test("a malformed reference exits 2 and says what is wrong", async () => {
    const r = await ocisync(["tags", "oci://127.0.0.1:5000/Team/App"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /repository name must be lowercase/);
    assert.equal(r.stdout, "");
  });

  test("unknown flags and conflicting refs are usage errors (exit 2)", async () => {
    assert.equal((await ocisync(["tags", "--bogus", "x/y"])).code, 2);
    const r = await ocisync([
      "resolve",
      `oci://${reg.host}/team/app`,
      "--tag",
      "a",
      "--digest",
      fx.manifest.desc.digest,
    ]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /at most one of --tag, --semver, --digest/);
  });

  test("wrong credentials: unauthorized naming registry and repository, exit 1, no secret", async () => {
    const r = await ocisync([
      "tags",
      "--verbose",
      "--plain-http",
      "--creds",
      `${basic.username ?? ""}:hunter2-wrong`,
      `oci://${basic.host}/team/app`,
    ]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /unauthorized/);
    assert.match(r.stderr, new RegExp(`registry ${basic.host.replaceAll(".", "\\.")}, repository team/app`));
    assert.doesNotMatch(r.stderr + r.stdout, /hunter2-wrong/);
    assert.doesNotMatch(
      r.stderr,
      new RegExp(Buffer.from(`${basic.username ?? ""}:hunter2-wrong`).toString("base64")),
    );
    assert.match(r.stderr, /debug registry request method=GET/); // --verbose did log the request
  });

  test("credentials from --docker-config", async () => {
    const auth = Buffer.from(`${basic.username ?? ""}:${basic.password ?? ""}`).toString("base64");
    await writeFile(join(home, "config.json"), JSON.stringify({ auths: { [basic.host]: { auth } } }));
    const r = await ocisync([
      "tags",
      "--plain-http",
      "--docker-config",
      home,
      `oci://${basic.host}/team/app`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "2.0.0\n");
    const viaEnv = await ocisync(["tags", "--plain-http", `oci://${basic.host}/team/app`], {
      env: { DOCKER_CONFIG: home },
    });
    assert.equal(viaEnv.stdout, "2.0.0\n");
  });

  test("a registry that stalls: an error within --timeout", async () => {
    proxy.setRules([{ match: {}, fault: { kind: "stall" } }]);
    const started = Date.now();
    const r = await ocisync(["tags", "--plain-http", "--timeout", "1s", `oci://${proxy.host}/team/app`]);
    proxy.setRules([]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /timeout: the command did not finish within 1s/);
    assert.ok(Date.now() - started < 20_000);
  });

  test("429 then 503, then recovery: succeeds after honouring Retry-After", async () => {
    proxy.requests.length = 0;
    proxy.setRules([
      { match: { path: /tags/ }, fault: { kind: "status", status: 429, retryAfter: "1" }, times: 1 },
      { match: { path: /tags/ }, fault: { kind: "status", status: 503 }, times: 1 },
    ]);
    const r = await ocisync(["tags", "--plain-http", `oci://${proxy.host}/team/app`]);
    proxy.setRules([]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "1.0.0\n");
    assert.deepEqual(
      proxy.requests.map((q) => q.status),
      [429, 503, 200],
    );
  });

  test("tags and resolve against an OCI image layout", async () => {
    const dir = join(home, "layout");
    await pushFixture(new OciClient().repository(parseTarget(`oci-layout://${dir}`)), fx, "3.0.0");
    const tags = await ocisync(["tags", `oci-layout://${dir}`]);
    assert.equal(tags.stdout, "3.0.0\n");
    const r = await ocisync(["resolve", "-o", "json", `oci-layout://${dir}:3.0.0`]);
    assert.equal((JSON.parse(r.stdout) as { revision: string }).revision, `3.0.0@${fx.manifest.desc.digest}`);
  });
});
