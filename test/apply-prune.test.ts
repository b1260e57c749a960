// SPDX-License-Identifier: Apache-2.0
// ApplySet inventory and prune against the real kube-apiserver: objects that leave the set are deleted,
// protected ones and ones that lost the part-of label are kept, and a failed apply prunes nothing.
import assert from "node:assert/strict";
import { after, before, suite, test } from "node:test";
import {
  APPLYSET_GROUP_KINDS_ANNOTATION,
  APPLYSET_ID_LABEL,
  APPLYSET_NAMESPACES_ANNOTATION,
  APPLYSET_PART_OF_LABEL,
  ApplyError,
  applyAll,
  applySet,
  applySetId,
  fluxInventoryEntry,
  kubeClientFromKubeconfig,
  parseFluxInventoryEntry,
  pruneObjects,
  staleRefs,
  type ApplySetParent,
  type KubeClient,
  type Unstructured,
} from "../src/apply/index.ts";
import { useCluster } from "./support/cluster.ts";

const NS = `apply-prune-${process.pid}`;
const OTHER = `${NS}-other`;
const parent: ApplySetParent = { kind: "Secret", name: "inventory", namespace: NS };
const opts = { parent, tooling: "ocisync/v0.1.0", fieldManager: "ocisync", stagePollMs: 200 };

const ns = (name: string): Unstructured => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } });
const cm = (name: string, namespace = NS, annotations: Record<string, string> = {}): Unstructured => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace, annotations },
  data: { name },
});
const role = (name: string): Unstructured => ({
  apiVersion: "rbac.authorization.k8s.io/v1",
  kind: "ClusterRole",
  metadata: { name: `${NS}-${name}` },
  rules: [],
});

suite("ApplySet prune against the real kube-apiserver", () => {
  const cluster = useCluster();
  let kube: KubeClient;
  before(async () => {
    kube = (await kubeClientFromKubeconfig({ kubeconfigPath: cluster().kubeconfigPath })).client;
    // Namespaces are never deleted in this cluster (no namespace controller); create them up front.
    await applySet(kube, [ns(NS), ns(OTHER)], { ...opts, parent: { ...parent, name: "namespaces" } });
  });
  after(() => {
    kube.close();
  });

  async function exists(
    kind: string,
    name: string,
    namespace = NS,
    group = "",
    version = "v1",
  ): Promise<boolean> {
    const m = await kube.mapping({ group, version, kind });
    return (await kube.get(m, m.namespaced ? namespace : "", name)) !== undefined;
  }

  test(
    "the first apply labels members and records them on the parent Secret",
    { timeout: 60_000 },
    async () => {
      const { changeSet } = await applySet(kube, [cm("a"), cm("b"), cm("c", OTHER), role("reader")], {
        ...opts,
        prune: true,
      });
      assert.deepEqual(
        changeSet.entries.map((e) => `${e.subject} ${e.action}`),
        [
          `ClusterRole/${NS}-reader created`,
          `ConfigMap/${NS}/a created`,
          `ConfigMap/${NS}/b created`,
          `ConfigMap/${OTHER}/c created`,
        ],
      );
      const m = await kube.mapping({ group: "", version: "v1", kind: "Secret" });
      const p = await kube.get(m, NS, "inventory");
      const meta = p?.["metadata"] as { labels: Record<string, string>; annotations: Record<string, string> };
      assert.equal(meta.labels[APPLYSET_ID_LABEL], applySetId(parent));
      assert.equal(
        meta.annotations[APPLYSET_GROUP_KINDS_ANNOTATION],
        "ClusterRole.rbac.authorization.k8s.io,ConfigMap",
      );
      assert.equal(meta.annotations[APPLYSET_NAMESPACES_ANNOTATION], OTHER);
      const cmMapping = await kube.mapping({ group: "", version: "v1", kind: "ConfigMap" });
      const a = await kube.get(cmMapping, NS, "a");
      assert.equal(
        (a?.["metadata"] as { labels: Record<string, string> }).labels[APPLYSET_PART_OF_LABEL],
        applySetId(parent),
      );
    },
  );

  test(
    "objects that left the set are deleted in reverse order; the rest is unchanged",
    { timeout: 60_000 },
    async () => {
      const { changeSet } = await applySet(kube, [cm("a")], { ...opts, prune: true });
      assert.deepEqual(
        changeSet.entries.map((e) => `${e.subject} ${e.action}`),
        [
          `ConfigMap/${NS}/a unchanged`,
          `ConfigMap/${OTHER}/c deleted`,
          `ConfigMap/${NS}/b deleted`,
          `ClusterRole/${NS}-reader deleted`,
        ],
      );
      assert.equal(await exists("ConfigMap", "b"), false);
      assert.equal(await exists("ConfigMap", "c", OTHER), false);
      assert.equal(await exists("ClusterRole", `${NS}-reader`, "", "rbac.authorization.k8s.io"), false);
    },
  );

  test("without --prune nothing is deleted", { timeout: 60_000 }, async () => {
    await applySet(kube, [cm("a"), cm("d")], { ...opts, prune: true });
    const { changeSet } = await applySet(kube, [cm("a")], opts);
    assert.deepEqual(
      changeSet.entries.map((e) => e.action),
      ["unchanged"],
    );
    assert.equal(await exists("ConfigMap", "d"), true);
  });

  test("protected objects and objects without the part-of label are kept", { timeout: 60_000 }, async () => {
    const keep = cm("keep", NS, { "kustomize.toolkit.fluxcd.io/prune": "disabled" });
    await applySet(kube, [cm("a"), cm("d"), cm("f"), keep], { ...opts, prune: true });
    // Someone takes f out of the set by removing its part-of label.
    const res = await kube.send({
      method: "PATCH",
      path: `/api/v1/namespaces/${NS}/configmaps/f`,
      body: JSON.stringify({ metadata: { labels: { [APPLYSET_PART_OF_LABEL]: null } } }),
      contentType: "application/merge-patch+json",
    });
    assert.equal(res.status, 200);
    const { changeSet } = await applySet(kube, [cm("a")], { ...opts, prune: true });
    assert.deepEqual(
      changeSet.entries.map((e) => [e.subject, e.action, e.reason]),
      [
        [`ConfigMap/${NS}/a`, "unchanged", undefined],
        [`ConfigMap/${NS}/keep`, "skipped", "prune disabled"],
        [`ConfigMap/${NS}/d`, "deleted", undefined],
      ],
    );
    assert.equal(await exists("ConfigMap", "keep"), true);
    assert.equal(await exists("ConfigMap", "f"), true);
  });

  test("a failed apply prunes nothing", { timeout: 60_000 }, async () => {
    await applySet(kube, [cm("a"), cm("e")], { ...opts, prune: true });
    const invalid = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "Not_Valid", namespace: NS } };
    await assert.rejects(applySet(kube, [cm("a"), invalid], { ...opts, prune: true }), (e: unknown) => {
      assert.ok(e instanceof ApplyError);
      assert.equal(e.code, "DRY_RUN_FAILED");
      return true;
    });
    assert.equal(await exists("ConfigMap", "e"), true);
  });

  test("a parent owned by another ApplySet is refused", { timeout: 60_000 }, async () => {
    const m = await kube.mapping({ group: "", version: "v1", kind: "Secret" });
    await kube.apply(
      m,
      {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "foreign", namespace: NS, labels: { [APPLYSET_ID_LABEL]: "applyset-x-v1" } },
      },
      { fieldManager: "someone", force: true, dryRun: false },
    );
    await assert.rejects(applySet(kube, [cm("a")], { ...opts, parent: { ...parent, name: "foreign" } }), {
      code: "INVENTORY_ERROR",
    });
  });

  test(
    "Flux-style prune: stale inventory entries carrying both owner labels are deleted",
    { timeout: 60_000 },
    async () => {
      const owner = {
        "kustomize.toolkit.fluxcd.io/name": "app",
        "kustomize.toolkit.fluxcd.io/namespace": NS,
      };
      const first = await applyAll(kube, [cm("flux-a"), cm("flux-b"), cm("flux-c")], {
        labels: owner,
        fieldManager: "kustomize-controller",
      });
      const inventory = first.objects.map((p) => fluxInventoryEntry(p.ref));
      // Someone re-labels flux-c: Flux no longer owns it.
      const res = await kube.send({
        method: "PATCH",
        path: `/api/v1/namespaces/${NS}/configmaps/flux-c`,
        body: JSON.stringify({ metadata: { labels: { "kustomize.toolkit.fluxcd.io/name": "other" } } }),
        contentType: "application/merge-patch+json",
      });
      assert.equal(res.status, 200);
      const second = await applyAll(kube, [cm("flux-a")], {
        labels: owner,
        fieldManager: "kustomize-controller",
      });
      const stale = staleRefs(
        inventory.map((e) => ({ ref: parseFluxInventoryEntry(e) })),
        second.objects.map((p) => p.ref),
      );
      const m = await kube.mapping({ group: "", version: "v1", kind: "ConfigMap" });
      const pruned = await pruneObjects(
        kube,
        stale.map((s) => ({ ref: s.ref, mapping: m })),
        { ownerLabels: owner },
      );
      assert.deepEqual(
        pruned.entries.map((e) => [e.subject, e.action, e.reason]),
        [
          [`ConfigMap/${NS}/flux-c`, "skipped", "owner labels changed"],
          [`ConfigMap/${NS}/flux-b`, "deleted", undefined],
        ],
      );
      assert.equal(await exists("ConfigMap", "flux-b"), false);
      assert.equal(await exists("ConfigMap", "flux-c"), true);
    },
  );
});
