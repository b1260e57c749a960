// SPDX-License-Identifier: Apache-2.0
// Staged server-side apply against the real kube-apiserver: CRD and custom resource in one apply, unchanged
// re-apply writes nothing, drift is reverted, immutable fields are recreated only when forced, policy
// annotations are honoured.
import assert from "node:assert/strict";
import { after, before, suite, test } from "node:test";
import {
  ApplyError,
  applyAll,
  kubeClientFromKubeconfig,
  planAll,
  type KubeClient,
  type Unstructured,
} from "../src/apply/index.ts";
import { useCluster } from "./support/cluster.ts";

const NS = `apply-ssa-${process.pid}`;
const GROUP = "ssa.ocisync.io";

const namespace = { apiVersion: "v1", kind: "Namespace", metadata: { name: NS } };
const crd = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: `gadgets.${GROUP}` },
  spec: {
    group: GROUP,
    scope: "Namespaced",
    names: { plural: "gadgets", singular: "gadget", kind: "Gadget", listKind: "GadgetList" },
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: { spec: { type: "object", properties: { size: { type: "integer" } } } },
          },
        },
      },
    ],
  },
};
const gadget = {
  apiVersion: `${GROUP}/v1`,
  kind: "Gadget",
  metadata: { name: "g1", namespace: NS },
  spec: { size: 3 },
};
const configMap = {
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name: "settings", namespace: NS },
  data: { colour: "blue" },
};
const secret = {
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name: "creds", namespace: NS },
  stringData: { password: "hunter2" },
};
const service = {
  apiVersion: "v1",
  kind: "Service",
  metadata: { name: "web", namespace: NS },
  spec: { selector: { app: "web" }, ports: [{ port: 80 }] },
};

const opts = { fieldManager: "ocisync-test", stagePollMs: 200 };

function resourceVersion(o: Unstructured | undefined): unknown {
  return (o?.["metadata"] as { resourceVersion?: string } | undefined)?.resourceVersion;
}

function uidOf(o: Unstructured | undefined): unknown {
  return (o?.["metadata"] as { uid?: string } | undefined)?.uid;
}

suite("apply against the real kube-apiserver", () => {
  const cluster = useCluster();
  let kube: KubeClient;

  before(async () => {
    kube = (await kubeClientFromKubeconfig({ kubeconfigPath: cluster().kubeconfigPath })).client;
  });
  after(() => {
    kube.close();
  });

  async function live(obj: Unstructured): Promise<Unstructured | undefined> {
    const m = await kube.mapping({ group: "", version: "v1", kind: String(obj["kind"]) });
    const meta = obj["metadata"] as { name: string; namespace: string };
    return kube.get(m, meta.namespace, meta.name);
  }

  test("a CRD and its custom resource in one apply, in stages", { timeout: 120_000 }, async () => {
    const objects = [gadget, configMap, secret, service, crd, namespace];
    const { changeSet } = await applyAll(kube, objects, opts);
    assert.deepEqual(
      changeSet.entries.map((e) => `${e.subject} ${e.action}`),
      [
        `CustomResourceDefinition/gadgets.${GROUP} created`,
        `Namespace/${NS} created`,
        `ConfigMap/${NS}/settings created`,
        `Secret/${NS}/creds created`,
        `Service/${NS}/web created`,
        `Gadget/${NS}/g1 created`,
      ],
    );
  });

  test(
    "an unchanged re-apply writes nothing: every object unchanged, resourceVersions stay",
    { timeout: 60_000 },
    async () => {
      const before = await Promise.all([configMap, secret, service].map(live));
      const requestsBefore = kube.requests;
      const { changeSet } = await applyAll(kube, [gadget, configMap, secret, service, crd, namespace], opts);
      assert.deepEqual(new Set(changeSet.entries.map((e) => e.action)), new Set(["unchanged"]));
      const afterObjs = await Promise.all([configMap, secret, service].map(live));
      assert.deepEqual(afterObjs.map(resourceVersion), before.map(resourceVersion));
      // GET + dry-run per object (+ the stage wait's GETs); no PATCH without dryRun.
      assert.ok(kube.requests - requestsBefore < 6 * 4, `requests: ${kube.requests - requestsBefore}`);
    },
  );

  test(
    "drift is reverted, and fields added with kubectl edit are taken over and removed",
    { timeout: 60_000 },
    async () => {
      const m = await kube.mapping({ group: "", version: "v1", kind: "ConfigMap" });
      const res = await kube.send({
        method: "PATCH",
        path: `/api/v1/namespaces/${NS}/configmaps/settings`,
        query: { fieldManager: "kubectl-edit" },
        body: JSON.stringify({ data: { colour: "red", extra: "added" } }),
        contentType: "application/merge-patch+json",
      });
      assert.equal(res.status, 200);
      const plan = await planAll(kube, [configMap], opts);
      assert.equal(plan.objects[0]?.action, "configured");
      const { changeSet } = await applyAll(kube, [configMap], opts);
      assert.deepEqual(
        changeSet.entries.map((e) => `${e.subject} ${e.action}`),
        [`ConfigMap/${NS}/settings configured`],
      );
      const got = await kube.get(m, NS, "settings");
      assert.deepEqual(got?.["data"], { colour: "blue" });
    },
  );

  test(
    "an immutable field fails the dry-run unless forced; forced, the object is recreated",
    { timeout: 60_000 },
    async () => {
      const frozen = {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "frozen", namespace: NS },
        immutable: true,
        data: { v: "1" },
      };
      await applyAll(kube, [frozen], opts);
      const uidBefore = uidOf(await live(frozen));
      const changed = { ...frozen, data: { v: "2" } };
      await assert.rejects(applyAll(kube, [changed], opts), (e: unknown) => {
        assert.ok(e instanceof ApplyError);
        assert.equal(e.code, "DRY_RUN_FAILED");
        assert.equal(e.status, 422);
        assert.match(e.message, new RegExp(`^ConfigMap/${NS}/frozen dry-run failed: .*field is immutable`));
        return true;
      });
      const { changeSet } = await applyAll(kube, [changed], { ...opts, force: true });
      assert.deepEqual(changeSet.entries, [
        {
          subject: `ConfigMap/${NS}/frozen`,
          action: "created",
          ref: { group: "", version: "v1", kind: "ConfigMap", namespace: NS, name: "frozen" },
          reason: "recreated: immutable field changed",
        },
      ]);
      const recreated = await live(frozen);
      assert.deepEqual(recreated?.["data"], { v: "2" });
      assert.notEqual(uidOf(recreated), uidBefore);
      // The per-object annotation does the same without the global flag.
      const annotated = {
        ...frozen,
        metadata: { ...frozen.metadata, annotations: { "kustomize.toolkit.fluxcd.io/force": "Enabled" } },
        data: { v: "3" },
      };
      const again = await applyAll(kube, [annotated], opts);
      assert.equal(again.changeSet.entries[0]?.action, "created");
    },
  );

  test("policy annotations: IfNotPresent, reconcile disabled, Ignore", { timeout: 60_000 }, async () => {
    const ann = (o: Unstructured, a: Record<string, string>, data: Record<string, string>): Unstructured => ({
      ...o,
      metadata: { ...(o["metadata"] as object), annotations: a },
      data,
    });
    const once = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "once", namespace: NS } };
    const k = "kustomize.toolkit.fluxcd.io";
    const first = await applyAll(kube, [ann(once, { [`${k}/ssa`]: "IfNotPresent" }, { v: "1" })], opts);
    assert.equal(first.changeSet.entries[0]?.action, "created");
    const second = await applyAll(kube, [ann(once, { [`${k}/ssa`]: "IfNotPresent" }, { v: "2" })], opts);
    assert.deepEqual(
      second.changeSet.entries.map((e) => [e.action, e.reason]),
      [["skipped", "ssa if-not-present"]],
    );
    assert.deepEqual((await live(once))?.["data"], { v: "1" });
    const off = await applyAll(
      kube,
      [ann(configMap, { [`${k}/reconcile`]: "disabled" }, { colour: "green" })],
      opts,
    );
    assert.deepEqual(
      off.changeSet.entries.map((e) => [e.action, e.reason]),
      [["skipped", "reconcile disabled"]],
    );
    const ignored = await applyAll(
      kube,
      [ann(configMap, { [`${k}/ssa`]: "ignore" }, { colour: "green" })],
      opts,
    );
    assert.equal(ignored.changeSet.entries[0]?.action, "skipped");
    assert.deepEqual((await live(configMap))?.["data"], { colour: "blue" });
  });

  test(
    "a namespaced object without a namespace takes the default one, or fails",
    { timeout: 60_000 },
    async () => {
      const bare = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "bare" }, data: { a: "b" } };
      const { changeSet } = await applyAll(kube, [bare], { ...opts, defaultNamespace: NS });
      assert.equal(changeSet.entries[0]?.subject, `ConfigMap/${NS}/bare`);
      await assert.rejects(applyAll(kube, [bare], opts), { code: "NAMESPACE_REQUIRED" });
    },
  );

  test("an unknown kind fails with UNKNOWN_KIND", { timeout: 60_000 }, async () => {
    const nope = { apiVersion: "nope.ocisync.io/v1", kind: "Nope", metadata: { name: "n", namespace: NS } };
    await assert.rejects(applyAll(kube, [nope], opts), (e: unknown) => {
      assert.ok(e instanceof ApplyError);
      assert.equal(e.code, "UNKNOWN_KIND");
      assert.equal(e.message, 'no matches for kind "Nope" in version "nope.ocisync.io/v1"');
      return true;
    });
  });

  test(
    "diff planning: a custom resource whose CRD is new is reported created, unvalidated",
    { timeout: 60_000 },
    async () => {
      const group = "plan.ocisync.io";
      const newCrd = {
        ...crd,
        metadata: { name: `things.${group}` },
        spec: {
          ...crd.spec,
          group,
          names: { plural: "things", singular: "thing", kind: "Thing", listKind: "ThingList" },
        },
      };
      const thing = {
        apiVersion: `${group}/v1`,
        kind: "Thing",
        metadata: { name: "t", namespace: NS },
        spec: { size: 1 },
      };
      const plan = await planAll(kube, [thing, newCrd], opts);
      assert.deepEqual(
        plan.objects.map((p) => [p.ref.kind, p.action, p.reason]),
        [
          ["CustomResourceDefinition", "created", undefined],
          ["Thing", "created", "its CRD is created by this apply"],
        ],
      );
      // Nothing was written.
      const crdMapping = await kube.mapping({
        group: "apiextensions.k8s.io",
        version: "v1",
        kind: "CustomResourceDefinition",
      });
      assert.equal(await kube.get(crdMapping, "", `things.${group}`), undefined);
    },
  );

  test(
    "a CRD whose names are refused fails its stage early (STAGE_NOT_READY), and nothing later is applied",
    { timeout: 60_000 },
    async () => {
      // Same group and kind as the Gadget CRD applied above: the API server refuses the names.
      const clash = {
        ...crd,
        metadata: { name: `gizmos.${GROUP}` },
        spec: {
          ...crd.spec,
          names: { plural: "gizmos", singular: "gizmo", kind: "Gadget", listKind: "GadgetList" },
        },
      };
      const later = {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "after-clash", namespace: NS },
        data: { a: "b" },
      };
      await assert.rejects(applyAll(kube, [clash, later], opts), (e: unknown) => {
        assert.ok(e instanceof ApplyError);
        assert.equal(e.code, "STAGE_NOT_READY");
        assert.equal(
          e.message,
          `failed early due to stalled resources: [CustomResourceDefinition/gizmos.${GROUP} status: 'Failed']`,
        );
        assert.deepEqual(
          e.changeSet?.entries.map((x) => `${x.subject} ${x.action}`),
          [`CustomResourceDefinition/gizmos.${GROUP} created`],
        );
        return true;
      });
      assert.equal(await live(later), undefined);
    },
  );
});
