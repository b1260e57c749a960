// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { orderByDependencies } from "../sync/order.ts";
import { SpecError, loadBundle, manifestFiles, parseKustomization, parseOCIRepository } from "./index.ts";

const repo = (
  spec: Record<string, unknown>,
  meta: Record<string, unknown> = { name: "app", namespace: "tenant-a" },
) => ({
  apiVersion: "source.toolkit.fluxcd.io/v1",
  kind: "OCIRepository",
  metadata: meta,
  spec,
});

test("OCIRepository: the Flux example is accepted unchanged", () => {
  const r = parseOCIRepository(
    repo({
      interval: "5m",
      url: "oci://ghcr.io/org/manifests/app",
      ref: { semver: ">=1.0.0 <2.0.0" },
      secretRef: { name: "ghcr-pull" },
      verify: {
        provider: "cosign",
        matchOIDCIdentity: [
          {
            issuer: "^https://token.actions.githubusercontent.com$",
            subject: "^https://github.com/org/app/.*$",
          },
        ],
      },
    }),
    "default",
  );
  assert.equal(r.spec.ref?.semver, ">=1.0.0 <2.0.0");
  assert.equal(r.spec.verify?.matchOIDCIdentity?.length, 1);
  assert.equal(r.metadata.namespace, "tenant-a");
});

const invalid = [
  { name: "missing url", spec: { interval: "5m" }, msg: /spec\.url: is required/, code: "INVALID_SPEC" },
  {
    name: "not oci://",
    spec: { interval: "5m", url: "https://x/y" },
    msg: /must start with oci:\/\//,
    code: "INVALID_SPEC",
  },
  {
    name: "tag in url",
    spec: { interval: "5m", url: "oci://ghcr.io/org/app:1.0.0" },
    msg: /must not contain a tag/,
    code: "URL_INVALID",
  },
  {
    name: "digest in url",
    spec: { interval: "5m", url: "oci://ghcr.io/org/app@sha256:abc" },
    msg: /must not contain a tag/,
    code: "URL_INVALID",
  },
  {
    name: "missing interval",
    spec: { url: "oci://ghcr.io/a/b" },
    msg: /spec\.interval: is required/,
    code: "INVALID_SPEC",
  },
  {
    name: "bad interval",
    spec: { url: "oci://ghcr.io/a/b", interval: "5 minutes" },
    msg: /not a duration/,
    code: "INVALID_SPEC",
  },
  {
    name: "bad digest",
    spec: { url: "oci://ghcr.io/a/b", interval: "1m", ref: { digest: "sha256:xyz" } },
    msg: /spec\.ref\.digest/,
    code: "INVALID_SPEC",
  },
  {
    name: "bad operation",
    spec: { url: "oci://ghcr.io/a/b", interval: "1m", layerSelector: { operation: "unzip" } },
    msg: /must be one of extract, copy/,
    code: "INVALID_SPEC",
  },
];
for (const c of invalid) {
  test(`OCIRepository: ${c.name}`, () => {
    assert.throws(
      () => parseOCIRepository(repo(c.spec), "default"),
      (e: unknown) =>
        e instanceof SpecError &&
        e.code === c.code &&
        c.msg.test(e.message) &&
        e.message.includes("tenant-a/app"),
    );
  });
}

const ks = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: "kustomize.toolkit.fluxcd.io/v1",
  kind: "Kustomization",
  metadata: { name },
  spec: { interval: "10m", prune: true, sourceRef: { kind: "OCIRepository", name: "app" }, ...spec },
});

test("Kustomization: required fields, defaults, build fields", () => {
  const k = parseKustomization(
    ks("app", { path: "./", targetNamespace: "tenant-a", wait: true, timeout: "3m" }),
    "flux-system",
  );
  assert.deepEqual(k.spec.sourceRef, { kind: "OCIRepository", name: "app", namespace: "flux-system" });
  assert.equal(k.spec.targetNamespace, "tenant-a");
  assert.throws(() => parseKustomization(ks("x", { prune: undefined }), "d"), /spec\.prune: is required/);
  assert.throws(
    () => parseKustomization(ks("x", { sourceRef: { kind: "HelmRepository", name: "a" } }), "d"),
    /spec\.sourceRef\.kind: must be one of/,
  );
  assert.throws(
    () => parseKustomization(ks("x", { targetNamespace: "" }), "d"),
    (e: unknown) => e instanceof SpecError && /targetNamespace/.test(e.message),
  );
});

test("dependsOn order, missing dependency, cycle", () => {
  const a = parseKustomization(ks("a", { dependsOn: [{ name: "b" }] }), "ns");
  const b = parseKustomization(ks("b", { dependsOn: [{ name: "c" }] }), "ns");
  const c = parseKustomization(ks("c", {}), "ns");
  assert.deepEqual(
    orderByDependencies([a, b, c]).map((k) => k.metadata.name),
    ["c", "b", "a"],
  );
  assert.throws(() => orderByDependencies([a]), /dependsOn ns\/b is not among the given manifests/);
  const cyc = parseKustomization(ks("c", { dependsOn: [{ name: "a" }] }), "ns");
  assert.throws(() => orderByDependencies([a, b, cyc]), /dependsOn cycle: ns\/a -> ns\/b -> ns\/c -> ns\/a/);
});

test("loadBundle reads files and directories, decodes Secrets, reports other kinds", async () => {
  const dir = await mkdtemp(join(tmpdir(), "ocisync-bundle-"));
  try {
    await mkdir(join(dir, "sub"));
    await writeFile(
      join(dir, "sub", "flux.yaml"),
      [
        "apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata: {name: app}\nspec: {interval: 5m, url: 'oci://r.example/app'}",
        "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: app}\nspec: {interval: 5m, prune: true, sourceRef: {kind: OCIRepository, name: app}}",
        "apiVersion: v1\nkind: Secret\nmetadata: {name: pull}\ntype: kubernetes.io/dockerconfigjson\ndata: {.dockerconfigjson: " +
          Buffer.from("{}").toString("base64") +
          "}",
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: tenant}",
        "",
      ].join("\n---\n"),
    );
    await writeFile(join(dir, "README.md"), "not yaml");
    const b = await loadBundle([dir], "flux-system");
    assert.equal(b.repositories.get("flux-system/app")?.spec.url, "oci://r.example/app");
    assert.equal(b.kustomizations.length, 1);
    assert.equal(b.secrets.get("flux-system/pull")?.data[".dockerconfigjson"], "{}");
    assert.equal(b.ignored.length, 1);
    assert.match(b.ignored[0] ?? "", /^Namespace flux-system\/tenant/);
    await writeFile(join(dir, "bad.yaml"), "a: [unclosed");
    await assert.rejects(
      loadBundle([dir], "x"),
      (e: unknown) => e instanceof SpecError && e.code === "MANIFEST_READ_FAILED",
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("loadBundle reads `-` from the stdin provider, named <stdin>, once, within the cap", async () => {
  const text =
    "apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata: {name: app}\nspec: {interval: 5m, url: 'oci://r.example/app'}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: tenant}\n";
  let asked = 0;
  const b = await loadBundle(["-"], "flux-system", {
    stdin: (max) => {
      asked = max;
      return Promise.resolve(text);
    },
  });
  assert.equal(b.repositories.get("flux-system/app")?.spec.url, "oci://r.example/app");
  assert.deepEqual(b.ignored, ["Namespace flux-system/tenant (<stdin>)"]);
  assert.equal(asked, 8 * 1024 * 1024);
  assert.deepEqual(await manifestFiles(["-"], { stdin: () => Promise.resolve("") }), ["-"]);
  const failed = (message: string) => (e: unknown) =>
    e instanceof SpecError && e.code === "MANIFEST_READ_FAILED" && e.message === message;
  await assert.rejects(
    loadBundle(["-"], "x"),
    failed("<stdin>: standard input (-f -) is not available here"),
  );
  await assert.rejects(
    loadBundle(["-", "-"], "x", { stdin: () => Promise.resolve(text) }),
    failed("<stdin>: standard input (-f -) can be read only once"),
  );
  await assert.rejects(
    loadBundle(["-"], "x", { stdin: () => Promise.reject(new Error("input is larger than 5 bytes")) }),
    failed("<stdin>: input is larger than 5 bytes"),
  );
  await assert.rejects(
    loadBundle(["-"], "x", { stdin: (max) => Promise.resolve("#".repeat(max + 1)) }),
    failed(`<stdin> is larger than ${8 * 1024 * 1024} bytes`),
  );
  await assert.rejects(
    loadBundle(["-"], "x", { stdin: () => Promise.resolve("a: [unclosed") }),
    (e: unknown) => e instanceof SpecError && e.message.startsWith("<stdin>: "),
  );
});
