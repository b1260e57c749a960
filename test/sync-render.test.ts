// SPDX-License-Identifier: Apache-2.0
// The quick start's main job: `ocisync sync --render-to` on examples/platform, offline, no cluster.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { parseAllDocuments } from "yaml";
import type { AppReport } from "../src/controller/index.ts";
import { ocisync } from "./support/cli.ts";
import { PEER_BUILD_TIMEOUT_MS, peerPath } from "./support/peers.ts";

const ROOT = resolve(import.meta.dirname, "..");
const MIRROR = "oci://ghcr.io/example/hello-app=oci-layout://examples/hello-app/layout";

test(
  "examples/platform renders the newest signed version in range, refusing the unsigned 1.3.0",
  { timeout: PEER_BUILD_TIMEOUT_MS },
  async () => {
    const out = await mkdtemp(join(tmpdir(), "ocisync-render-"));
    try {
      const env = { OCISYNC_KUSTOMIZE: await peerPath("kustomize") };
      const r = await ocisync(
        ["sync", "-o", "json", "-f", "examples/platform", "--mirror", MIRROR, "--render-to", out],
        { env, cwd: ROOT },
      );
      assert.equal(r.code, 0, r.stderr);
      const [app] = JSON.parse(r.stdout) as AppReport[];
      assert.equal(app?.status, "rendered");
      assert.match(app.fetched?.revision ?? "", /^1\.1\.1@sha256:/);
      const verdicts = Object.fromEntries((app.fetched?.verdicts ?? []).map((v) => [v.tag, v.verdict]));
      assert.deepEqual(verdicts, {
        "0.9.0": "out-of-range",
        "1.0.0": "superseded",
        "v1.1.0": "superseded",
        "1.1.1": "selected",
        "1.2.0-rc.1": "prerelease-excluded",
        "1.3.0": "unsigned",
        "main-4f2a91c": "not-a-version",
        latest: "not-a-version",
      });
      const docs = parseAllDocuments(await readFile(join(out, "hello", "hello-app.yaml"), "utf8")).map(
        (d) => d.toJS() as { kind: string; metadata: { namespace: string; labels: Record<string, string> } },
      );
      assert.deepEqual(
        docs.map((d) => d.kind),
        ["Deployment", "Service"],
      );
      for (const d of docs) {
        assert.equal(d.metadata.namespace, "hello");
        assert.equal(d.metadata.labels["kustomize.toolkit.fluxcd.io/name"], "hello-app");
        assert.equal(d.metadata.labels["platform.example.com/tenant"], "hello");
      }
      const text = await ocisync(
        ["sync", "-f", "examples/platform", "--mirror", MIRROR, "--render-to", out],
        { env, cwd: ROOT },
      );
      assert.match(text.stdout, /^hello\/hello-app {2}rendered {2}oci:\/\/ghcr\.io\/example\/hello-app$/m);
      assert.match(text.stdout, /1\.3\.0: unsigned: no signatures found/);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  },
);

test(
  "sync -f - reads the same manifests from standard input and renders the same objects",
  { timeout: PEER_BUILD_TIMEOUT_MS },
  async () => {
    const fromFile = await mkdtemp(join(tmpdir(), "ocisync-render-file-"));
    const fromStdin = await mkdtemp(join(tmpdir(), "ocisync-render-stdin-"));
    try {
      const env = { OCISYNC_KUSTOMIZE: await peerPath("kustomize") };
      const byFile = await ocisync(
        ["sync", "-f", "examples/platform", "--mirror", MIRROR, "--render-to", fromFile],
        { env, cwd: ROOT },
      );
      assert.equal(byFile.code, 0, byFile.stderr);
      const piped = await ocisync(["sync", "-f", "-", "--mirror", MIRROR, "--render-to", fromStdin], {
        env,
        cwd: ROOT,
        input: await readFile(join(ROOT, "examples/platform/hello-app.yaml"), "utf8"),
      });
      assert.equal(piped.code, 0, piped.stderr);
      assert.equal(piped.stdout.replaceAll(fromStdin, "OUT"), byFile.stdout.replaceAll(fromFile, "OUT"));
      const rendered = join("hello", "hello-app.yaml");
      assert.equal(
        await readFile(join(fromStdin, rendered), "utf8"),
        await readFile(join(fromFile, rendered), "utf8"),
      );
    } finally {
      await rm(fromFile, { recursive: true, force: true });
      await rm(fromStdin, { recursive: true, force: true });
    }
  },
);

test("sync -f - given twice is a usage error", async () => {
  const twice = await ocisync(["sync", "-f", "-", "-f", "-", "--render-to", "x"], { input: "" });
  assert.equal(twice.code, 2);
  assert.match(twice.stderr, /-f - \(standard input\) can be given only once \[INVALID_ARGUMENT\]/);
});

test("sync without -f, or with both --render-to and --kubeconfig, is a usage error", async () => {
  assert.equal((await ocisync(["sync", "--render-to", "x"])).code, 2);
  const both = await ocisync(["sync", "-f", "examples/platform", "--render-to", "x", "--kubeconfig", "k"], {
    cwd: ROOT,
  });
  assert.equal(both.code, 2);
  assert.match(both.stderr, /either --render-to or --kubeconfig/);
});
