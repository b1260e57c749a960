// SPDX-License-Identifier: Apache-2.0
// OCI image layout store: read/write, tags as ref.name, referrers, and interop with skopeo's oci: transport.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { after, before, describe, test } from "node:test";
import { LayoutRepository, OciClient, OciError, parseTarget } from "../src/oci/index.ts";
import { artifactBytes } from "../src/testing/index.ts";
import { pushFixture } from "./support/fixtures.ts";
import { startRegistry, type TestRegistry } from "./support/registry.ts";

const run = promisify(execFile);

async function skopeo(...args: string[]): Promise<string> {
  try {
    return (await run("skopeo", args, { maxBuffer: 16 * 1024 * 1024 })).stdout;
  } catch (err) {
    throw new Error(`skopeo ${args.join(" ")} failed (is skopeo installed? npm run setup-system)`, {
      cause: err,
    });
  }
}

describe("OCI image layout", () => {
  let dir: string;
  let reg: TestRegistry;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ocisync-layout-"));
    reg = await startRegistry();
  });
  after(async () => {
    await reg.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test("write, tag, list, resolve, read back; a tag moves when re-pushed", async () => {
    const layout = new LayoutRepository(join(dir, "a"));
    const one = artifactBytes("one");
    const two = artifactBytes("two");
    await pushFixture(layout, one, "1.0.0");
    await pushFixture(layout, two, "2.0.0");
    await layout.pushManifest(two.manifest.bytes, two.manifest.desc.mediaType, "latest");
    assert.deepEqual(await layout.tags(), ["1.0.0", "2.0.0", "latest"]);
    assert.deepEqual(await layout.resolve("2.0.0"), two.manifest.desc);
    await layout.pushManifest(one.manifest.bytes, one.manifest.desc.mediaType, "latest");
    assert.equal((await layout.resolve("latest")).digest, one.manifest.desc.digest);
    const index = JSON.parse(await readFile(join(dir, "a", "index.json"), "utf8")) as {
      manifests: unknown[];
    };
    assert.equal(index.manifests.length, 3);
    assert.equal(new TextDecoder().decode(await layout.fetchBlobBytes(one.layer.desc, 1024)), "one");
  });

  test("referrers are found by scanning for subject", async () => {
    const layout = new LayoutRepository(join(dir, "b"));
    const subject = await pushFixture(layout, artifactBytes("subject"), "1.0.0");
    const sig = await pushFixture(
      layout,
      artifactBytes("sig", { artifactType: "application/example", subject }),
    );
    const refs = await layout.referrers(subject.digest);
    assert.deepEqual(
      refs.map((r) => [r.digest, r.artifactType]),
      [[sig.digest, "application/example"]],
    );
  });

  test("a directory that is not a layout: LAYOUT_ERROR", async () => {
    await assert.rejects(
      new LayoutRepository(dir).tags(),
      (e: unknown) =>
        e instanceof OciError && e.code === "LAYOUT_ERROR" && /not an OCI image layout/.test(e.message),
    );
  });

  test("a blob whose bytes do not match its name: DIGEST_MISMATCH", async () => {
    const layout = new LayoutRepository(join(dir, "c"));
    const fx = artifactBytes("honest");
    await pushFixture(layout, fx, "1.0.0");
    await writeFile(join(dir, "c", "blobs", "sha256", fx.layer.desc.digest.slice(7)), "dishon");
    await assert.rejects(
      layout.fetchBlobBytes(fx.layer.desc, 1024),
      (e: unknown) => e instanceof OciError && e.code === "DIGEST_MISMATCH",
    );
  });

  test("skopeo reads what ocisync writes; ocisync resolves what skopeo pushes to the same digest", async () => {
    const src = join(dir, "skopeo-src");
    const fx = artifactBytes("interop");
    await pushFixture(new LayoutRepository(src), fx, "1.2.3");
    await skopeo(
      "copy",
      "--preserve-digests",
      "--dest-tls-verify=false",
      `oci:${src}:1.2.3`,
      `docker://${reg.host}/team/interop:1.2.3`,
    );
    const raw = await skopeo(
      "inspect",
      "--raw",
      "--tls-verify=false",
      `docker://${reg.host}/team/interop:1.2.3`,
    );
    const skopeoDigest = `sha256:${createHash("sha256").update(raw).digest("hex")}`;
    const remote = new OciClient({ plainHttp: true }).repository(
      parseTarget(`oci://${reg.host}/team/interop`),
    );
    assert.deepEqual(await remote.tags(), ["1.2.3"]);
    assert.equal((await remote.resolve("1.2.3")).digest, skopeoDigest);
    assert.equal(skopeoDigest, fx.manifest.desc.digest);
  });

  test("ocisync reads a layout skopeo wrote", async () => {
    const out = join(dir, "skopeo-out");
    const remote = new OciClient({ plainHttp: true }).repository(
      parseTarget(`oci://${reg.host}/team/fromskopeo`),
    );
    const fx = artifactBytes("from skopeo");
    await pushFixture(remote, fx, "0.1.0");
    await skopeo(
      "copy",
      "--preserve-digests",
      "--src-tls-verify=false",
      `docker://${reg.host}/team/fromskopeo:0.1.0`,
      `oci:${out}:0.1.0`,
    );
    const layout = new LayoutRepository(out);
    assert.deepEqual(await layout.tags(), ["0.1.0"]);
    const m = await layout.fetchManifest("0.1.0");
    assert.equal(m.descriptor.digest, fx.manifest.desc.digest);
    assert.equal(new TextDecoder().decode(await layout.fetchBlobBytes(fx.layer.desc, 1024)), "from skopeo");
  });
});
