// SPDX-License-Identifier: Apache-2.0
// Health checks against the real kube-apiserver. No controllers run there, so each test writes workload
// status itself through the status subresource, as envtest users do.
import assert from "node:assert/strict";
import { after, before, suite, test } from "node:test";
import {
  ApplyError,
  applyAll,
  healthTargets,
  kubeClientFromKubeconfig,
  waitForHealthy,
  type ApplyResult,
  type KubeClient,
  type Unstructured,
} from "../src/apply/index.ts";
import { useCluster } from "./support/cluster.ts";

const NS = `apply-health-${process.pid}`;
const labels = (app: string) => ({ matchLabels: { app } });
const podTemplate = (app: string) => ({
  metadata: { labels: { app } },
  spec: { containers: [{ name: "c", image: "registry.example/app:1" }] },
});
const deployment = (name: string): Unstructured => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, namespace: NS },
  spec: { replicas: 1, selector: labels(name), template: podTemplate(name) },
});
const job = (name: string): Unstructured => ({
  apiVersion: "batch/v1",
  kind: "Job",
  metadata: { name, namespace: NS },
  spec: {
    template: {
      spec: { restartPolicy: "Never", containers: [{ name: "c", image: "registry.example/job:1" }] },
    },
  },
});

const now = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");

suite("health checks against the real kube-apiserver", () => {
  const cluster = useCluster();
  let kube: KubeClient;
  before(async () => {
    kube = (await kubeClientFromKubeconfig({ kubeconfigPath: cluster().kubeconfigPath })).client;
    await applyAll(kube, [{ apiVersion: "v1", kind: "Namespace", metadata: { name: NS } }]);
  });
  after(() => {
    kube.close();
  });

  async function setStatus(path: string, status: unknown): Promise<void> {
    const res = await kube.send({
      method: "PATCH",
      path: `${path}/status`,
      body: JSON.stringify({ status }),
      contentType: "application/merge-patch+json",
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  }
  const deployPath = (n: string) => `/apis/apps/v1/namespaces/${NS}/deployments/${n}`;
  const jobPath = (n: string) => `/apis/batch/v1/namespaces/${NS}/jobs/${n}`;
  const available = {
    observedGeneration: 1,
    replicas: 1,
    updatedReplicas: 1,
    readyReplicas: 1,
    availableReplicas: 1,
    // The API server defaults progressDeadlineSeconds, so kstatus also wants the rollout to be complete.
    conditions: [
      { type: "Available", status: "True", reason: "MinimumReplicasAvailable" },
      { type: "Progressing", status: "True", reason: "NewReplicaSetAvailable" },
    ],
  };

  async function waitFor(result: ApplyResult, timeoutMs: number) {
    return waitForHealthy(kube, healthTargets(result.objects), { timeoutMs, pollMs: 100 });
  }

  test("a Deployment nobody rolls out times out, reported per object", { timeout: 60_000 }, async () => {
    const applied = await applyAll(kube, [deployment("idle")]);
    await assert.rejects(waitFor(applied, 600), (e: unknown) => {
      assert.ok(e instanceof ApplyError);
      assert.equal(e.code, "HEALTH_CHECK_FAILED");
      assert.equal(e.message, `timeout waiting for: [Deployment/${NS}/idle status: 'InProgress']`);
      assert.deepEqual(
        e.health?.entries.map((h) => [h.subject, h.status, h.message]),
        [[`Deployment/${NS}/idle`, "InProgress", "Replicas: 0/1"]],
      );
      return true;
    });
  });

  test(
    "healthy once the status says so: Deployment available, Job complete, ConfigMap",
    { timeout: 60_000 },
    async () => {
      const cm = {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "c", namespace: NS },
        data: { a: "b" },
      };
      const applied = await applyAll(kube, [deployment("web"), job("migrate"), cm]);
      const waiting = waitFor(applied, 20_000);
      // The status arrives while the wait is polling.
      await new Promise((r) => setTimeout(r, 300));
      await setStatus(deployPath("web"), available);
      await setStatus(jobPath("migrate"), {
        startTime: now(),
        completionTime: now(),
        succeeded: 1,
        conditions: [
          { type: "SuccessCriteriaMet", status: "True", lastProbeTime: now(), lastTransitionTime: now() },
          { type: "Complete", status: "True", lastProbeTime: now(), lastTransitionTime: now() },
        ],
      });
      const report = await waiting;
      assert.deepEqual(
        report.entries.map((h) => [h.subject, h.status, h.message]),
        [
          [`ConfigMap/${NS}/c`, "Current", "Resource is always ready"],
          [`Deployment/${NS}/web`, "Current", "Deployment is available. Replicas: 1"],
          [`Job/${NS}/migrate`, "Current", "Job Completed. succeeded: 1/1"],
        ],
      );
    },
  );

  test(
    "an exceeded progress deadline fails early, long before the timeout",
    { timeout: 60_000 },
    async () => {
      const applied = await applyAll(kube, [deployment("stuck"), deployment("fine")]);
      await setStatus(deployPath("fine"), available);
      await setStatus(deployPath("stuck"), {
        observedGeneration: 1,
        replicas: 1,
        conditions: [
          {
            type: "Progressing",
            status: "False",
            reason: "ProgressDeadlineExceeded",
            message: "ReplicaSet has timed out progressing.",
          },
        ],
      });
      const started = Date.now();
      await assert.rejects(waitFor(applied, 30_000), {
        code: "HEALTH_CHECK_FAILED",
        message: `failed early due to stalled resources: [Deployment/${NS}/stuck status: 'Failed']`,
      });
      assert.ok(Date.now() - started < 5000);
    },
  );

  test("a failed Job fails early", { timeout: 60_000 }, async () => {
    const applied = await applyAll(kube, [job("broken")]);
    await setStatus(jobPath("broken"), {
      startTime: now(),
      failed: 1,
      conditions: [
        {
          type: "FailureTarget",
          status: "True",
          reason: "BackoffLimitExceeded",
          lastProbeTime: now(),
          lastTransitionTime: now(),
        },
        {
          type: "Failed",
          status: "True",
          reason: "BackoffLimitExceeded",
          lastProbeTime: now(),
          lastTransitionTime: now(),
        },
      ],
    });
    await assert.rejects(waitFor(applied, 30_000), (e: unknown) => {
      assert.ok(e instanceof ApplyError);
      assert.equal(e.message, `failed early due to stalled resources: [Job/${NS}/broken status: 'Failed']`);
      assert.equal(e.health?.entries[0]?.message, "Job Failed. failed: 1/1");
      return true;
    });
  });

  test("a ReplicaSet whose pod is crash-looping is Failed (pods are read)", { timeout: 60_000 }, async () => {
    const rs = {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: { name: "rs", namespace: NS },
      spec: { replicas: 1, selector: labels("rs"), template: podTemplate("rs") },
    };
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "rs-1", namespace: NS, labels: { app: "rs" } },
      spec: podTemplate("rs").spec,
    };
    const applied = await applyAll(kube, [rs, pod]);
    await setStatus(`/api/v1/namespaces/${NS}/pods/rs-1`, {
      phase: "Running",
      containerStatuses: [
        {
          name: "c",
          ready: false,
          restartCount: 5,
          image: "registry.example/app:1",
          imageID: "",
          state: { waiting: { reason: "CrashLoopBackOff", message: "back-off restarting failed container" } },
        },
      ],
    });
    const rsOnly = healthTargets(applied.objects).filter((t) => t.ref.kind === "ReplicaSet");
    await assert.rejects(waitForHealthy(kube, rsOnly, { timeoutMs: 30_000, pollMs: 100 }), (e: unknown) => {
      assert.ok(e instanceof ApplyError);
      assert.equal(e.health?.entries[0]?.message, "1 pods have failed");
      return true;
    });
  });

  test("a deleted object is NotFound", { timeout: 60_000 }, async () => {
    const applied = await applyAll(kube, [deployment("gone")]);
    const [target] = healthTargets(applied.objects);
    assert.ok(target !== undefined);
    await kube.delete(target.mapping, NS, "gone");
    await assert.rejects(waitForHealthy(kube, [target], { timeoutMs: 300, pollMs: 100 }), {
      message: `timeout waiting for: [Deployment/${NS}/gone status: 'NotFound']`,
    });
  });
});
