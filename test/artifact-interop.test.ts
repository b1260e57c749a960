// SPDX-License-Identifier: Apache-2.0
// Interop with the real peers (issue 5): flux push → ocisync pull; ocisync push → flux pull, oras, crane;
// and `--reproducible` side by side with `flux push artifact --reproducible`: the same manifest digest.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile, chmod } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import { FLUX_CONFIG_BYTES, packDirectory, pullArtifact, pushArtifact } from "../src/artifact/index.ts";
import { sha256Of, type Descriptor } from "../src/core/index.ts";
import { OciClient, parseTarget, type Repository } from "../src/oci/index.ts";
import { PEER_BUILD_TIMEOUT_MS, peerPath } from "./support/peers.ts";
import { startRegistry, type TestRegistry } from "./support/registry.ts";

const exec = promisify(execFile);
let reg: TestRegistry;
let work: string;
let flux: string;
let oras: string;
let crane: string;

before(
  async () => {
    [flux, oras, crane] = await Promise.all([peerPath("flux"), peerPath("oras"), peerPath("crane")]);
    reg = await startRegistry({ auth: "anonymous" });
    work = await mkdtemp(join(tmpdir(), "ocisync-interop-"));
  },
  { timeout: PEER_BUILD_TIMEOUT_MS },
);
after(async () => {
  await reg.stop();
  await rm(work, { recursive: true, force: true });
});

const open = (name: string): Repository =>
  new OciClient({ plainHttp: true }).repository(parseTarget(`oci://${reg.host}/${name}`));
let n = 0;
const fresh = (p: string) => join(work, `${p}-${n++}`);
const env = () => ({ ...process.env, HOME: work, DOCKER_CONFIG: work });
const run = async (bin: string, args: string[], cwd = work) =>
  (await exec(bin, args, { cwd, env: env(), maxBuffer: 64 << 20 })).stdout;

/** A tree with what Flux cares about: nested dirs, an executable, a long and a non-ASCII name, a symlink, ignored files. */
async function sourceTree(): Promise<string> {
  const root = fresh("src");
  const files: Record<string, string> = {
    "kustomization.yaml": "resources:\n  - deploy/app.yaml\n",
    "deploy/app.yaml": "apiVersion: apps/v1\nkind: Deployment\n",
    "deploy/ünïcödé.yaml": "kind: ConfigMap\n",
    [`${"long-directory-name-".repeat(6)}/${"file-".repeat(12)}.yaml`]: "long\n",
    "scripts/run.sh": "#!/bin/sh\necho ok\n",
    ".gitignore": "x\n",
    "logo.png": "png\n",
  };
  for (const [name, body] of Object.entries(files)) {
    await mkdir(dirname(join(root, name)), { recursive: true });
    await writeFile(join(root, name), body);
  }
  await mkdir(join(root, "empty"));
  await chmod(join(root, "scripts/run.sh"), 0o755);
  await symlink("deploy/app.yaml", join(root, "link.yaml"));
  return root;
}

/** Files (content + permission bits) and directories of a tree. */
async function snapshot(root: string, rel = ""): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(join(root, rel), { withFileTypes: true })) {
    const p = rel === "" ? e.name : `${rel}/${e.name}`;
    if (e.isDirectory()) {
      out[`${p}/`] = "dir";
      Object.assign(out, await snapshot(root, p));
    } else {
      const mode = ((await lstat(join(root, p))).mode & 0o777).toString(8);
      out[p] = `${e.isSymbolicLink() ? "symlink" : mode} ${createHash("sha256")
        .update(await readFile(join(root, p)))
        .digest("hex")
        .slice(0, 12)}`;
    }
  }
  return out;
}

/** The source tree as an artifact should carry it: no symlink, no VCS or media files. */
async function expectedTree(src: string): Promise<Record<string, string>> {
  const dropped = new Set(["link.yaml", ".gitignore", "logo.png"]);
  return Object.fromEntries(Object.entries(await snapshot(src)).filter(([k]) => !dropped.has(k)));
}

describe("interop with flux, oras and crane", () => {
  test("flux push artifact → ocisync pull: identical file tree", async () => {
    const src = await sourceTree();
    const url = `oci://${reg.host}/from-flux/app:1.0.0`;
    await run(flux, [
      "push",
      "artifact",
      url,
      "--path",
      src,
      "--source",
      "https://github.com/acme/app",
      "--revision",
      "main@sha1:0123",
      "--insecure-registry",
    ]);
    const out = fresh("ocisync-pull");
    const r = await pullArtifact(open("from-flux/app"), { tag: "1.0.0" }, out);
    assert.equal(r.source, "https://github.com/acme/app");
    assert.equal(r.originRevision, "main@sha1:0123");
    assert.deepEqual(await snapshot(out), await expectedTree(src));
    const fluxOut = fresh("flux-pull");
    await mkdir(fluxOut);
    await run(flux, ["pull", "artifact", url, "--output", fluxOut]);
    assert.deepEqual(
      await snapshot(out),
      await snapshot(fluxOut),
      "ocisync pull and flux pull give the same tree",
    );
  });

  test("ocisync push → flux pull artifact, oras, crane manifest", async () => {
    const src = await sourceTree();
    const repo = open("from-ocisync/app");
    const pushed = await pushArtifact(repo, src, "2.0.0", {
      source: "https://github.com/acme/app",
      revision: "v2@sha1:abcd",
      annotations: { "org.opencontainers.image.description": "demo" },
    });
    const ref = `${reg.host}/from-ocisync/app:2.0.0`;

    const fluxOut = fresh("flux-pull");
    await mkdir(fluxOut);
    const fluxLog = await exec(flux, ["pull", "artifact", `oci://${ref}`, "--output", fluxOut], {
      env: env(),
    });
    assert.match(fluxLog.stderr, /revision v2@sha1:abcd/);
    assert.deepEqual(await snapshot(fluxOut), await expectedTree(src));

    const manifest = JSON.parse(await run(crane, ["manifest", ref, "--insecure"])) as {
      mediaType: string;
      config: Descriptor;
      layers: Descriptor[];
      annotations: Record<string, string>;
    };
    assert.equal(manifest.mediaType, "application/vnd.oci.image.manifest.v1+json");
    assert.equal(manifest.config.mediaType, "application/vnd.cncf.flux.config.v1+json");
    assert.deepEqual(
      manifest.layers.map((l) => l.mediaType),
      ["application/vnd.cncf.flux.content.v1.tar+gzip"],
    );
    assert.equal(manifest.annotations["org.opencontainers.image.source"], "https://github.com/acme/app");
    assert.equal(manifest.annotations["org.opencontainers.image.revision"], "v2@sha1:abcd");
    assert.equal(manifest.annotations["org.opencontainers.image.description"], "demo");
    assert.match(
      manifest.annotations["org.opencontainers.image.created"] ?? "",
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
    );
    assert.equal(await run(crane, ["digest", ref, "--insecure"]), `${pushed.digest}\n`);

    // oras pull only writes layers that carry org.opencontainers.image.title, which Flux layers never do:
    // it succeeds and skips the layer; the layer itself comes through `oras blob fetch`.
    const orasDir = fresh("oras");
    await mkdir(orasDir);
    await run(oras, ["pull", "--plain-http", ref, "-o", orasDir]);
    assert.deepEqual(await readdir(orasDir), []);
    const tgz = join(orasDir, "layer.tgz");
    await run(oras, [
      "blob",
      "fetch",
      "--plain-http",
      `${reg.host}/from-ocisync/app@${pushed.layer.digest}`,
      "--output",
      tgz,
    ]);
    const orasTree = fresh("oras-tree");
    await mkdir(orasTree);
    await exec("tar", ["-xzf", tgz, "-C", orasTree]);
    assert.deepEqual(await snapshot(orasTree), await expectedTree(src));
    const orasManifest = JSON.parse(await run(oras, ["manifest", "fetch", "--plain-http", ref])) as {
      layers: Descriptor[];
    };
    assert.equal(orasManifest.layers[0]?.digest, pushed.layer.digest);
  });

  test("--reproducible next to flux --reproducible: the same manifest digest, byte for byte", async () => {
    const src = await sourceTree();
    const meta = {
      source: "https://github.com/acme/app",
      revision: "main@sha1:0123",
      annotations: { "org.opencontainers.image.description": "a <b> & c" },
    };
    const args = [
      "--source",
      meta.source,
      "--revision",
      meta.revision,
      "-a",
      "org.opencontainers.image.description=a <b> & c",
      "--reproducible",
      "--insecure-registry",
    ];
    await run(flux, ["push", "artifact", `oci://${reg.host}/repro/flux:1`, "--path", src, ...args]);
    await run(flux, ["push", "artifact", `oci://${reg.host}/repro/flux:2`, "--path", src, ...args]);
    const fluxRepo = open("repro/flux");
    const f1 = await fluxRepo.fetchManifest("1");
    assert.equal(
      (await fluxRepo.resolve("2")).digest,
      f1.descriptor.digest,
      "flux --reproducible is reproducible",
    );
    const ours1 = await pushArtifact(open("repro/ours"), src, "1", { ...meta, reproducible: true });
    const ours2 = await pushArtifact(open("repro/ours"), src, "2", { ...meta, reproducible: true });
    assert.equal(ours1.digest, ours2.digest, "ocisync --reproducible is reproducible");
    assert.equal(ours1.digest, f1.descriptor.digest, "ocisync and flux give the same manifest digest");
    assert.deepEqual(Buffer.from((await open("repro/ours").fetchManifest("1")).bytes), Buffer.from(f1.bytes));
    const fm = JSON.parse(Buffer.from(f1.bytes).toString()) as { config: Descriptor; layers: Descriptor[] };
    assert.equal(sha256Of(await fluxRepo.fetchBlobBytes(fm.config, 4096)), sha256Of(FLUX_CONFIG_BYTES));
    assert.deepEqual(ours1.layer, fm.layers[0]);

    // With --gzip zlib only the deflate stream differs: same tar inside, same gzip header.
    const fast = await pushArtifact(open("repro/zlib"), src, "1", {
      ...meta,
      reproducible: true,
      gzip: "zlib",
    });
    assert.notEqual(fast.layer.digest, ours1.layer.digest);
    const fluxLayer = Buffer.from(await fluxRepo.fetchBlobBytes(fm.layers[0] as Descriptor, 16 << 20));
    const zlibLayer = Buffer.from(await open("repro/zlib").fetchBlobBytes(fast.layer, 16 << 20));
    assert.deepEqual(gunzipSync(zlibLayer), gunzipSync(fluxLayer), "the tar streams are byte-identical");
    assert.deepEqual(zlibLayer.subarray(0, 10), fluxLayer.subarray(0, 10), "gzip headers are identical");
    const packed = await packDirectory(src);
    try {
      assert.equal(packed.diffId, sha256Of(gunzipSync(fluxLayer)));
      assert.equal(packed.digest, fm.layers[0]?.digest);
    } finally {
      await packed.dispose();
    }
  });
});
