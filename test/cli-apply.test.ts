// SPDX-License-Identifier: Apache-2.0
// `ocisync apply` and `ocisync diff` as processes against the real kube-apiserver.
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, suite, test } from "node:test";
import { ocisync } from "./support/cli.ts";
import { useCluster } from "./support/cluster.ts";

const NS = `cli-apply-${process.pid}`;

const namespaceYaml = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${NS}\n`;
const configYaml = (colour: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  colour: ${colour}\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\nstringData:\n  password: hunter2\n`;
const extraYaml = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\ndata:\n  a: b\n`;
const deploymentYaml = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: registry.example/web:1}]
`;

suite("ocisync apply / diff (processes, real kube-apiserver)", () => {
  const cluster = useCluster();
  let dir: string;
  let kc: string[];
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ocisync-cli-apply-"));
    kc = ["--kubeconfig", cluster().kubeconfigPath, "-n", NS];
    await writeFile(join(dir, "00-namespace.yaml"), namespaceYaml);
    await writeFile(join(dir, "10-config.yaml"), configYaml("blue"));
    await writeFile(join(dir, "20-extra.yaml"), extraYaml);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test(
    "diff before the first apply: everything is created, Secret values masked, exit 1",
    { timeout: 60_000 },
    async () => {
      const r = await ocisync(["diff", "-f", join(dir, "10-config.yaml"), ...kc, "-n", "default"]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(
        r.stdout,
        /^--- ConfigMap\/default\/settings \(live\)\n\+\+\+ ConfigMap\/default\/settings \(merged\)\n@@ -0,0 \+1,\d+ @@\n/m,
      );
      assert.match(r.stdout, /\+ {2}password: "\*\*\* \(after\)"\n/);
      assert.doesNotMatch(r.stdout, /aHVudGVyMg|hunter2/);
    },
  );

  test(
    "apply prints the change set; a second apply is unchanged; diff then exits 0",
    { timeout: 60_000 },
    async () => {
      const first = await ocisync(["apply", "-f", dir, ...kc, "--inventory", "app"]);
      assert.equal(first.code, 0, first.stderr);
      assert.equal(
        first.stdout,
        `Namespace/${NS} created\nConfigMap/${NS}/extra created\nConfigMap/${NS}/settings created\nSecret/${NS}/creds created\n`,
      );
      const second = await ocisync(["apply", "-f", dir, ...kc, "--inventory", "app"]);
      assert.equal(second.code, 0, second.stderr);
      assert.equal(
        second.stdout,
        `Namespace/${NS} unchanged\nConfigMap/${NS}/extra unchanged\nConfigMap/${NS}/settings unchanged\nSecret/${NS}/creds unchanged\n`,
      );
      const diff = await ocisync(["diff", "-f", dir, ...kc, "--inventory", "app"]);
      assert.deepEqual([diff.code, diff.stdout, diff.stderr], [0, "", ""]);
    },
  );

  test(
    "diff shows a change as a unified diff with context; apply -o json prints the change set",
    { timeout: 60_000 },
    async () => {
      await writeFile(join(dir, "10-config.yaml"), configYaml("green"));
      const diff = await ocisync(["diff", "-f", dir, ...kc, "--inventory", "app"]);
      assert.equal(diff.code, 1, diff.stderr);
      assert.match(
        diff.stdout,
        /--- ConfigMap\/.+\/settings \(live\)\n\+\+\+ ConfigMap\/.+\/settings \(merged\)\n@@ .* @@\n apiVersion: v1\n data:\n- {2}colour: blue\n\+ {2}colour: green\n/,
      );
      const applied = await ocisync(["apply", "-f", dir, ...kc, "--inventory", "app", "-o", "json"]);
      assert.equal(applied.code, 0, applied.stderr);
      const out = JSON.parse(applied.stdout) as { entries: { subject: string; action: string }[] };
      assert.deepEqual(
        out.entries.map((e) => `${e.subject} ${e.action}`),
        [
          `Namespace/${NS} unchanged`,
          `ConfigMap/${NS}/extra unchanged`,
          `ConfigMap/${NS}/settings configured`,
          `Secret/${NS}/creds unchanged`,
        ],
      );
    },
  );

  test("apply --prune deletes what left the manifests", { timeout: 60_000 }, async () => {
    await rm(join(dir, "20-extra.yaml"));
    const diff = await ocisync(["diff", "-f", dir, ...kc, "--inventory", "app", "--prune"]);
    assert.equal(diff.code, 1, diff.stderr);
    assert.match(
      diff.stdout,
      new RegExp(
        `^--- ConfigMap/${NS}/extra \\(live\\)\n\\+\\+\\+ ConfigMap/${NS}/extra \\(merged\\)\n@@ -1,\\d+ \\+0,0 @@\n-apiVersion: v1\n`,
      ),
    );
    const r = await ocisync(["apply", "-f", dir, ...kc, "--inventory", "app", "--prune"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      `Namespace/${NS} unchanged\nConfigMap/${NS}/settings unchanged\nSecret/${NS}/creds unchanged\nConfigMap/${NS}/extra deleted\n`,
    );
  });

  test(
    "apply --wait times out on a Deployment nobody rolls out, naming it; exit 1",
    { timeout: 60_000 },
    async () => {
      const file = join(dir, "30-deployment.yaml");
      await writeFile(file, deploymentYaml);
      const r = await ocisync(["apply", "-f", file, ...kc, "--wait", "--timeout", "3s"]);
      assert.equal(r.code, 1);
      assert.equal(
        r.stdout,
        `Deployment/${NS}/web created\nDeployment/${NS}/web InProgress: Replicas: 0/1\n`,
      );
      assert.equal(
        r.stderr,
        `error: timeout waiting for: [Deployment/${NS}/web status: 'InProgress'] [HEALTH_CHECK_FAILED]\n`,
      );
      await rm(file);
    },
  );

  test(
    "errors: --prune without --inventory is a usage error; diff errors exit 2",
    { timeout: 60_000 },
    async () => {
      const usage = await ocisync(["apply", "-f", dir, ...kc, "--prune"]);
      assert.equal(usage.code, 2);
      assert.equal(
        usage.stderr,
        "error: --prune needs --inventory NAME (the ApplySet that records what was applied) [INVALID_ARGUMENT]\n",
      );
      const bad = join(dir, "bad.txt");
      await writeFile(bad, "apiVersion: v1\nkind: ConfigMap\n");
      const diff = await ocisync(["diff", "-f", bad, ...kc]);
      assert.equal(diff.code, 2);
      assert.equal(diff.stderr, `error: ${bad}: document 1: metadata.name is missing [INVALID_OBJECT]\n`);
      const unreachable = await ocisync(["diff", "-f", dir, "--kubeconfig", join(dir, "missing-kubeconfig")]);
      assert.equal(unreachable.code, 2);
      const piped = await ocisync(["diff", "-f", "-", ...kc], { input: "apiVersion: v1\nkind: ConfigMap\n" });
      assert.equal(piped.code, 2);
      assert.equal(piped.stderr, "error: <stdin>: document 1: metadata.name is missing [INVALID_OBJECT]\n");
      const twice = await ocisync(["apply", "-f", "-", "-f", "-", ...kc], { input: namespaceYaml });
      assert.equal(twice.code, 2);
      assert.equal(twice.stderr, "error: -f - (standard input) can be given only once [INVALID_ARGUMENT]\n");
      await rm(bad);
    },
  );
});
