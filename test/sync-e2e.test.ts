// SPDX-License-Identifier: Apache-2.0
// `ocisync sync` end to end: signed artifacts pushed to the real registry, Flux manifests, the real kube-apiserver.
// Covers dependsOn order, verification (an unsigned newer version is refused), apply, and the new-version case:
// 1.1.0 is applied and the object it dropped is pruned.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { kubeClientFromKubeconfig, applyAll, type KubeClient } from "../src/apply/index.ts";
import type { AppReport } from "../src/controller/index.ts";
import { ocisync } from "./support/cli.ts";
import { useCluster } from "./support/cluster.ts";
import { PEER_BUILD_TIMEOUT_MS, peerPath } from "./support/peers.ts";
import { startRegistry, type TestRegistry } from "./support/registry.ts";

const deployment = (version: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "ghcr.io/example/web:${version}"}]}
`;
const extraConfig = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: legacy-settings}\ndata: {mode: old}\n";
const baseConfig = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: platform-base}\ndata: {tier: base}\n";

describe("ocisync sync (real registry, real kube-apiserver)", { timeout: PEER_BUILD_TIMEOUT_MS }, () => {
  const cluster = useCluster();
  let reg: TestRegistry;
  let dir: string;
  let kube: KubeClient;
  let env: Record<string, string>;
  before(
    async () => {
      reg = await startRegistry();
      dir = await mkdtemp(join(tmpdir(), "ocisync-sync-"));
      env = { COSIGN_PASSWORD: "", OCISYNC_KUSTOMIZE: await peerPath("kustomize") };
      kube = (await kubeClientFromKubeconfig({ kubeconfigPath: cluster().kubeconfigPath })).client;
      await applyAll(kube, [{ apiVersion: "v1", kind: "Namespace", metadata: { name: "tenant" } }], {});
      const keys = await ocisync(["generate-key-pair"], { env, cwd: dir });
      assert.equal(keys.code, 0, keys.stderr);
      await publish("base", "1.0.0", { "config.yaml": baseConfig }, true);
      await publish("app", "1.0.0", { "deploy.yaml": deployment("1.0.0"), "legacy.yaml": extraConfig }, true);
      await writeManifests();
    },
    { timeout: PEER_BUILD_TIMEOUT_MS },
  );
  after(async () => {
    await reg.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function publish(
    repo: string,
    version: string,
    files: Record<string, string>,
    sign: boolean,
  ): Promise<void> {
    const src = await mkdtemp(join(dir, `src-${repo}-`));
    for (const [name, text] of Object.entries(files)) await writeFile(join(src, name), text);
    const url = `oci://${reg.host}/tenant/${repo}:${version}`;
    const pushed = await ocisync(["push", "--plain-http", src, url], { env });
    assert.equal(pushed.code, 0, pushed.stderr);
    if (sign) {
      const signed = await ocisync(["sign", "--plain-http", url, "--key", join(dir, "cosign.key")], { env });
      assert.equal(signed.code, 0, signed.stderr);
    }
  }

  async function writeManifests(): Promise<void> {
    const pub = await readFile(join(dir, "cosign.pub"), "utf8");
    const source = (name: string) => `apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata: {name: ${name}, namespace: tenant}
spec:
  interval: 5m
  url: oci://${reg.host}/tenant/${name}
  insecure: true
  ref: {semver: ">=1.0.0"}
  verify: {provider: cosign, secretRef: {name: cosign-pub}}
`;
    const ks = (name: string, deps: string) => `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: ${name}, namespace: tenant}
spec:
  interval: 10m
  prune: true
  targetNamespace: tenant
  sourceRef: {kind: OCIRepository, name: ${name}}
${deps}`;
    const secret = `apiVersion: v1\nkind: Secret\nmetadata: {name: cosign-pub, namespace: tenant}\nstringData:\n  cosign.pub: |\n${pub.trim().replace(/^/gm, "    ")}\n`;
    await mkdir(join(dir, "flux"), { recursive: true });
    // The app is listed first but depends on the base: sync must apply the base first.
    await writeFile(
      join(dir, "flux", "app.yaml"),
      [secret, source("app"), ks("app", "  dependsOn: [{name: base}]\n")].join("---\n"),
    );
    await writeFile(join(dir, "flux", "base.yaml"), [source("base"), ks("base", "")].join("---\n"));
  }

  async function sync(): Promise<AppReport[]> {
    const r = await ocisync(
      ["sync", "-o", "json", "-f", join(dir, "flux"), "--kubeconfig", cluster().kubeconfigPath],
      { env },
    );
    assert.equal(r.code, 0, `${r.stderr}\n${r.stdout}`);
    return JSON.parse(r.stdout) as AppReport[];
  }

  test("first sync applies both apps in dependsOn order, verified", async () => {
    const reports = await sync();
    assert.deepEqual(
      reports.map((r) => [r.kustomization, r.status]),
      [
        ["tenant/base", "applied"],
        ["tenant/app", "applied"],
      ],
    );
    const app = reports[1];
    assert.match(app?.fetched?.revision ?? "", /^1\.0\.0@sha256:[a-f0-9]{64}$/);
    assert.equal(app?.fetched?.verified?.format, "bundle");
    assert.deepEqual((app.changes ?? []).map((c) => `${c.subject} ${c.action}`).sort(), [
      "ConfigMap/tenant/legacy-settings created",
      "Deployment/tenant/web created",
    ]);
    const cm = await kube.get(
      { group: "", version: "v1", resource: "configmaps", kind: "ConfigMap", namespaced: true },
      "tenant",
      "legacy-settings",
    );
    assert.equal(
      (cm?.metadata as { labels?: Record<string, string> } | undefined)?.labels?.[
        "kustomize.toolkit.fluxcd.io/name"
      ],
      "app",
    );
  });

  test("an unchanged second sync writes nothing", async () => {
    const reports = await sync();
    for (const r of reports)
      assert.ok(
        r.changes?.every((c) => c.action === "unchanged"),
        JSON.stringify(r.changes),
      );
  });

  test("new version: 1.1.0 is applied, the object it dropped is pruned, an unsigned 1.2.0 is refused", async () => {
    await publish("app", "1.1.0", { "deploy.yaml": deployment("1.1.0") }, true);
    await publish("app", "1.2.0", { "deploy.yaml": deployment("1.2.0") }, false);
    const app = (await sync()).find((r) => r.kustomization === "tenant/app");
    assert.match(app?.fetched?.revision ?? "", /^1\.1\.0@/);
    assert.equal(app?.fetched?.verdicts.find((v) => v.tag === "1.2.0")?.verdict, "unsigned");
    assert.deepEqual((app.changes ?? []).map((c) => `${c.subject} ${c.action}`).sort(), [
      "ConfigMap/tenant/legacy-settings deleted",
      "Deployment/tenant/web configured",
    ]);
    const mapping = {
      group: "apps",
      version: "v1",
      resource: "deployments",
      kind: "Deployment",
      namespaced: true,
    };
    const live = (await kube.get(mapping, "tenant", "web")) as {
      spec: { template: { spec: { containers: { image: string }[] } } };
    };
    assert.equal(live.spec.template.spec.containers[0]?.image, "ghcr.io/example/web:1.1.0");
    const gone = await kube.get(
      { group: "", version: "v1", resource: "configmaps", kind: "ConfigMap", namespaced: true },
      "tenant",
      "legacy-settings",
    );
    assert.equal(gone, undefined);
  });

  test("a failed verification applies and prunes nothing", async () => {
    await writeFile(
      join(dir, "flux", "app.yaml"),
      (await readFile(join(dir, "flux", "app.yaml"), "utf8")).replace(
        'semver: ">=1.0.0"',
        'semver: ">=1.2.0"',
      ),
    );
    const r = await ocisync(
      ["sync", "-o", "json", "-f", join(dir, "flux"), "--kubeconfig", cluster().kubeconfigPath],
      { env },
    );
    assert.equal(r.code, 1);
    const app = (JSON.parse(r.stdout) as AppReport[]).find((x) => x.kustomization === "tenant/app");
    assert.ok(app !== undefined);
    assert.equal(app.status, "failed");
    assert.equal(app.error === undefined ? "" : app.error.code, "NO_VERIFIED_VERSION");
    assert.equal("changes" in app, false);
    const mapping = {
      group: "apps",
      version: "v1",
      resource: "deployments",
      kind: "Deployment",
      namespaced: true,
    };
    assert.notEqual(await kube.get(mapping, "tenant", "web"), undefined);
  });

  test("spec.healthChecks: an unready Deployment fails the health check within spec.timeout", async () => {
    const file = join(dir, "flux", "app.yaml");
    const text = (await readFile(file, "utf8"))
      .replace('semver: ">=1.2.0"', 'semver: ">=1.0.0"')
      .replace(
        "  prune: true\n",
        "  prune: true\n  timeout: 2s\n  healthChecks: [{kind: Deployment, name: web}]\n",
      );
    await writeFile(file, text);
    const r = await ocisync(
      ["sync", "-o", "json", "-f", join(dir, "flux"), "--kubeconfig", cluster().kubeconfigPath],
      { env },
    );
    assert.equal(r.code, 1, r.stderr);
    const app = (JSON.parse(r.stdout) as AppReport[]).find((x) => x.kustomization === "tenant/app");
    assert.ok(app !== undefined);
    assert.equal(app.status, "failed");
    assert.match(
      `${app.error?.code ?? ""} ${app.error?.message ?? ""}`,
      /^HEALTH_CHECK_FAILED .*Deployment\/tenant\/web status: 'InProgress'/,
    );
    assert.deepEqual(
      app.health?.map((h) => h.subject),
      ["Deployment/tenant/web"],
    );
  });
});
