// SPDX-License-Identifier: Apache-2.0
// Flux's behaviour around kustomize (flux-compat.md §5.3–5.4) with the real kustomize program: generated
// kustomization.yaml, the spec's overlays, post-build substitution, commonMetadata, confinement and failures.
import assert from "node:assert/strict";
import { chmod, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type BuildOptions, buildKustomization, nameOf, namespaceOf } from "../src/build/index.ts";
import { isCdError } from "../src/core/index.ts";
import { PEER_BUILD_TIMEOUT_MS, peerPath } from "./support/peers.ts";

const cm = (name: string, extra = "") =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${extra}`;
const deploy = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: web
        image: nginx:1.0
`;

async function tree(root: string, files: Record<string, string>): Promise<string> {
  for (const [p, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, p)), { recursive: true });
    await writeFile(join(root, p), text);
  }
  return root;
}

function rejectsWith(code: string, message?: RegExp) {
  return (err: unknown) => {
    assert.ok(isCdError(err), String(err));
    assert.equal(err.code, code, err.message);
    if (message) assert.match(err.message, message);
    return true;
  };
}

describe("Flux build behaviour (real kustomize)", () => {
  let kustomize: string;
  let base: string;
  let n = 0;
  const dir = async (files: Record<string, string>) =>
    tree(await mkdtemp(join(base, `src${String(n++)}-`)), files);
  const build = (root: string, o: Partial<BuildOptions> = {}) =>
    buildKustomization({ root, kustomizePath: kustomize, ...o });

  before(
    async () => {
      kustomize = await peerPath("kustomize");
      base = await mkdtemp(join(tmpdir(), "ocisync-bt-"));
    },
    { timeout: PEER_BUILD_TIMEOUT_MS },
  );
  after(async () => {
    await rm(base, { recursive: true, force: true });
  });

  test("generates kustomization.yaml: files, directories with a kustomization, lexical order", async () => {
    const root = await dir({
      "z.yaml": cm("z"),
      "a.yml": cm("a"),
      "README.md": "# not yaml",
      "base/kustomization.yaml": "resources: [cm.yaml]\n",
      "base/cm.yaml": cm("from-base"),
      "sub/deep/b.yaml": cm("b"),
    });
    const got = await build(root);
    assert.equal(got.kustomization.action, "created");
    assert.match(
      got.kustomization.text,
      /resources:\n- \.\/a\.yml\n- \.\/base\n- \.\/sub\/deep\/b\.yaml\n- \.\/z\.yaml\n/,
    );
    assert.deepEqual(got.objects.map(nameOf).sort(), ["a", "b", "from-base", "z"]);
    assert.deepEqual(
      await readdir(root),
      ["README.md", "a.yml", "base", "sub", "z.yaml"].sort(),
      "source untouched",
    );
  });

  test("a YAML file that is not Kubernetes fails the build as in Flux", async () => {
    const root = await dir({ "ok.yaml": cm("ok"), ".gitlab-ci.yml": "stages: [build]\n" });
    await assert.rejects(
      build(root),
      rejectsWith("INVALID_YAML", /^failed to decode Kubernetes YAML from \.gitlab-ci\.yml: missing kind/),
    );
  });

  test("an empty directory builds to nothing (namespace: _placeholder)", async () => {
    const got = await build(await dir({ "notes.txt": "x" }));
    assert.deepEqual(got.objects, []);
    assert.equal(got.yaml, "");
  });

  test("spec overlays: targetNamespace, prefix/suffix, patches, images, components, commonMetadata", async () => {
    const root = await dir({
      "app/kustomization.yaml":
        "# keep me\nresources: [deploy.yaml]\nnamePrefix: old-\nimages:\n- name: nginx\n  newTag: '1.1'\n",
      "app/deploy.yaml": deploy,
      "comp/kustomization.yaml":
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources: [cm.yaml]\n",
      "comp/cm.yaml": cm("from-component"),
    });
    const got = await build(root, {
      spec: {
        path: "./app",
        targetNamespace: "prod",
        namePrefix: "p-",
        nameSuffix: "-s",
        patches: [
          {
            patch: "- op: add\n  path: /metadata/annotations\n  value: {patched: 'yes'}",
            target: { kind: "Deployment" },
          },
        ],
        images: [{ name: "nginx", digest: "sha256:" + "a".repeat(64) }],
        components: ["../comp", "../missing"],
        ignoreMissingComponents: true,
        commonMetadata: { labels: { team: "a" }, annotations: { owner: "b" } },
      },
    });
    assert.match(got.kustomization.text, /^# keep me\n/);
    const [d, c] = got.objects; // resource order (Flux): the resource, then what the component adds
    assert.deepEqual([nameOf(c ?? {}), namespaceOf(c ?? {})], ["p-from-component-s", "prod"]);
    assert.deepEqual([nameOf(d ?? {}), namespaceOf(d ?? {})], ["p-web-s", "prod"]);
    assert.match(got.yaml, new RegExp(`image: nginx@sha256:${"a".repeat(64)}\\n`), "digest replaced the tag");
    assert.match(got.yaml, /annotations:\n {4}owner: b\n {4}patched: "yes"\n/);
    assert.match(got.yaml, /labels:\n {4}team: a\n/);
  });

  test("a remote component is refused", async () => {
    const root = await dir({ "kustomization.yaml": "resources: []\n" });
    await assert.rejects(
      build(root, { spec: { components: ["https://github.com/x/y//c"] } }),
      rejectsWith(
        "INVALID_SPEC",
        /^component path 'https:\/\/github.com\/x\/y\/\/c' must be local and relative$/,
      ),
    );
  });

  test("post-build substitution: substituteFrom, inline, opt-out, re-typing, strict", async () => {
    const root = await dir({
      "a.yaml": cm("a", "data:\n  port: ${port}\n  env: ${env:=dev}\n  region: ${region}\n"),
      "b.yaml": cm(
        "b",
        "  labels:\n    kustomize.toolkit.fluxcd.io/substitute: disabled\ndata:\n  x: ${port}\n",
      ),
    });
    const postBuild = {
      substitute: { region: "eu" },
      substituteFrom: [{ kind: "ConfigMap" as const, name: "vars" }],
    };
    const got = await build(root, {
      spec: { postBuild },
      substituteSources: { "ConfigMap/vars": { port: "8080", region: "us" } },
    });
    assert.deepEqual(got.objects[0]?.data, { env: "dev", port: 8080, region: "eu" });
    assert.match(got.yaml, / {2}x: \$\{port\}\n/);
    await assert.rejects(
      build(root, { spec: { postBuild: { substitute: { region: "eu" } } } }),
      rejectsWith(
        "SUBSTITUTION_FAILED",
        /^post build failed for '~G_v1_ConfigMap\/a': envsubst error: variable substitution failed: variable not set \(strict mode\): "port"$/,
      ),
    );
    const lax = await build(root, {
      spec: { postBuild: { substitute: { region: "eu" } } },
      strictSubstitution: false,
    });
    assert.equal((lax.objects[0]?.data as Record<string, unknown>).port, null);
  });

  test("paths that leave the source root are refused", async () => {
    const outside = await dir({ "secret.yaml": cm("outside") });
    const cases = [
      { name: "spec.path with ..", files: { "k/kustomization.yaml": "resources: []\n" }, path: "../x" },
      {
        name: "resources: ../..",
        files: { "k/kustomization.yaml": `resources: [../../${outside.split("/").pop() ?? ""}]\n` },
        path: "k",
      },
      {
        name: "absolute resource",
        files: { "kustomization.yaml": `resources: [${outside}/secret.yaml]\n` },
        path: "",
      },
      {
        name: "generator file outside",
        files: { "kustomization.yaml": "configMapGenerator:\n- name: x\n  files: [key=../../etc/passwd]\n" },
        path: "",
      },
    ];
    for (const c of cases) {
      await assert.rejects(
        build(await dir(c.files), { spec: { path: c.path } }),
        rejectsWith("PATH_ESCAPES_ROOT"),
        c.name,
      );
    }
    const linked = await dir({ "kustomization.yaml": "resources: [link.yaml]\n" });
    await symlink(join(outside, "secret.yaml"), join(linked, "link.yaml"));
    await assert.rejects(
      build(linked),
      rejectsWith("PATH_ESCAPES_ROOT", /^symlink 'link\.yaml' -> '.*' points outside the source root$/),
    );
  });

  test("a patch file outside the kustomization's directory but inside the root builds, as in Flux", async () => {
    const root = await dir({
      "common/patch.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\ndata: {patched: \"yes\"}\n",
      "app/cm.yaml": cm("app"),
      "app/kustomization.yaml": "resources: [cm.yaml]\npatches:\n- path: ../common/patch.yaml\n",
    });
    const r = await build(root, { spec: { path: "app" } });
    assert.deepEqual((r.objects[0]?.data as Record<string, string> | undefined)?.patched, "yes");
  });

  test("a kustomization the build does not reach is not checked", async () => {
    const root = await dir({
      "app/cm.yaml": cm("app"),
      "app/kustomization.yaml": "resources: [cm.yaml]\n",
      "other/kustomization.yaml": "resources: [../../../x]\n",
    });
    assert.deepEqual((await build(root, { spec: { path: "app" } })).objects.map(nameOf), ["app"]);
  });

  test("an object without apiVersion fails as in Flux, without Secret data in the message", async () => {
    const root = await dir({
      "kustomization.yaml": "resources: [s.yaml]\n",
      "s.yaml": "kind: Secret\nmetadata:\n  name: s\ndata:\n  token: c2VjcmV0\n",
    });
    await assert.rejects(build(root), (err: unknown) => {
      rejectsWith(
        "INVALID_RESOURCE",
        /^failed to decode Kubernetes apiVersion, kind and name from: kind: Secret\nmetadata:\n {2}name: s$/,
      )(err);
      return true;
    });
  });

  test("a symlink inside the root is followed", async () => {
    const root = await dir({
      "real/cm.yaml": cm("linked"),
      "kustomization.yaml": "resources: [link.yaml]\n",
    });
    await symlink("real/cm.yaml", join(root, "link.yaml"));
    assert.deepEqual((await build(root)).objects.map(nameOf), ["linked"]);
  });

  test("failures carry codes: missing path, kustomize errors, caps, missing program", async () => {
    const root = await dir({
      "kustomization.yaml": "resources: [nope.yaml]\n",
      "ok/kustomization.yaml": "resources: [cm.yaml]\n",
      "ok/cm.yaml": cm("x"),
    });
    await assert.rejects(
      build(root, { spec: { path: "absent" } }),
      rejectsWith("PATH_NOT_FOUND", /^kustomization path not found: absent$/),
    );
    await assert.rejects(build(root), (err: unknown) => {
      rejectsWith("KUSTOMIZE_FAILED", /^kustomize build failed: Error: .*nope\.yaml/)(err);
      assert.ok(isCdError(err) && !err.message.includes("ocisync-build-"), "no temp path in the message");
      return true;
    });
    await assert.rejects(
      build(root, { spec: { path: "ok" }, maxOutputBytes: 10 }),
      rejectsWith("OUTPUT_TOO_LARGE"),
    );
    await assert.rejects(
      build(root, { spec: { path: "ok" }, kustomizePath: join(base, "no-such-kustomize") }),
      rejectsWith("KUSTOMIZE_NOT_FOUND"),
    );
    await assert.rejects(
      build(root, { spec: { path: "ok" }, copyLimits: { maxBytes: 1 << 20, maxEntries: 2 } }),
      rejectsWith("SOURCE_TOO_LARGE"),
    );
  });

  test("timeout and abort kill kustomize; the working copy is always removed", async () => {
    // A stand-in that never finishes: the real kustomize cannot be asked to hang.
    const slow = join(base, "slow-kustomize");
    await writeFile(slow, "#!/bin/sh\nexec sleep 30\n");
    await chmod(slow, 0o755);
    const tempDir = await mkdtemp(join(base, "tmp-"));
    const root = await dir({ "cm.yaml": cm("x") });
    const env = { PATH: "/usr/bin:/bin" };
    await assert.rejects(
      build(root, { kustomizePath: slow, env, timeoutMs: 200, tempDir }),
      rejectsWith("KUSTOMIZE_TIMEOUT"),
    );
    const ac = new AbortController();
    const pending = build(root, { kustomizePath: slow, env, tempDir, signal: ac.signal });
    setTimeout(() => {
      ac.abort();
    }, 100);
    await assert.rejects(pending, { name: "AbortError" });
    assert.deepEqual(await readdir(tempDir), []);
  });
});
