// SPDX-License-Identifier: Apache-2.0
// The real kube-apiserver answers server-side apply as a cluster does: objects of core kinds, a CRD and
// an object of that CRD are applied and read back with their managedFields, and a second field manager
// gets the conflict the API server really returns.
import assert from "node:assert/strict";
import { suite, test } from "node:test";
import { ApiException, KubernetesObjectApi, PatchStrategy, VersionApi } from "@kubernetes/client-node";
import type {
  KubernetesObject,
  V1CustomResourceDefinition,
  V1ManagedFieldsEntry,
} from "@kubernetes/client-node";
import { useCluster } from "./support/cluster.ts";

const MANAGER = "ocisync-test";
const OTHER = "someone-else";
const NS = `ocisync-ssa-${process.pid}`;
const GROUP = "test.ocisync.io";

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

// A label gives the manager a field to own: an apply that sets no field leaves no managedFields entry.
const namespace: Obj = {
  apiVersion: "v1",
  kind: "Namespace",
  metadata: { name: NS, labels: { "app.kubernetes.io/managed-by": MANAGER } },
};
const configMap: Obj = {
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name: "settings", namespace: NS },
  data: { colour: "blue", size: "3" },
};
const crd: Obj = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: `widgets.${GROUP}` },
  spec: {
    group: GROUP,
    scope: "Namespaced",
    names: { plural: "widgets", singular: "widget", kind: "Widget", listKind: "WidgetList" },
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: "object",
            properties: {
              spec: {
                type: "object",
                properties: { size: { type: "integer" }, colour: { type: "string" } },
              },
            },
          },
        },
      },
    ],
  },
};
const widget: Obj = {
  apiVersion: `${GROUP}/v1`,
  kind: "Widget",
  metadata: { name: "w1", namespace: NS },
  spec: { size: 3, colour: "green" },
};

function apply(api: KubernetesObjectApi, obj: Obj, manager = MANAGER, force = false): Promise<Obj> {
  return api.patch(obj, undefined, undefined, manager, force, PatchStrategy.ServerSideApply);
}

function managers(obj: KubernetesObject): { manager: string | undefined; operation: string | undefined }[] {
  return (obj.metadata?.managedFields ?? []).map((f: V1ManagedFieldsEntry) => ({
    manager: f.manager,
    operation: f.operation,
  }));
}

async function eventually<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`, { cause: lastError });
    await new Promise((r) => setTimeout(r, 200));
  }
}

function statusBody(e: unknown): {
  reason?: string;
  message?: string;
  details?: { causes?: { field?: string }[] };
} {
  assert.ok(e instanceof ApiException, `expected an ApiException, got ${String(e)}`);
  const body: unknown = e.body;
  return (typeof body === "string" ? JSON.parse(body) : body) as ReturnType<typeof statusBody>;
}

suite("real kube-apiserver: server-side apply", () => {
  const cluster = useCluster();

  test("answers /version with a Kubernetes release", { timeout: 60_000 }, async () => {
    const v = await cluster().kubeConfig.makeApiClient(VersionApi).getCode();
    assert.match(v.gitVersion, /^v1\.\d+\.\d+/);
  });

  test(
    "applies a Namespace, a ConfigMap, a CRD and a custom object; managedFields name the manager",
    { timeout: 120_000 },
    async () => {
      const api = KubernetesObjectApi.makeApiClient(cluster().kubeConfig);
      await apply(api, namespace);
      await apply(api, configMap);
      await apply(api, crd);
      await eventually("the CRD to be Established", async () => {
        const got = await api.read<V1CustomResourceDefinition>(crd);
        return got.status?.conditions?.some((c) => c.type === "Established" && c.status === "True") === true
          ? got
          : undefined;
      });
      // Discovery of the new kind can lag Established by a moment.
      await eventually("the Widget kind to be served", () => apply(api, widget));

      for (const obj of [namespace, configMap, crd, widget]) {
        const got = await api.read<KubernetesObject>(obj);
        assert.equal(got.metadata?.name, obj.metadata.name);
        assert.ok(
          managers(got).some((m) => m.manager === MANAGER && m.operation === "Apply"),
          `${obj.kind} managedFields: ${JSON.stringify(managers(got))}`,
        );
      }
      const cm = await api.read<Obj>(configMap);
      assert.deepEqual(cm["data"], { colour: "blue", size: "3" });
      const w = await api.read<Obj>(widget);
      assert.deepEqual(w["spec"], { size: 3, colour: "green" });
    },
  );

  test(
    "a second manager changing an owned field gets the API server's conflict",
    { timeout: 60_000 },
    async () => {
      const api = KubernetesObjectApi.makeApiClient(cluster().kubeConfig);
      const changed: Obj = { ...configMap, data: { colour: "red" } };
      const err = await apply(api, changed, OTHER).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(err instanceof ApiException, `expected a conflict, got ${String(err)}`);
      assert.equal(err.code, 409);
      const status = statusBody(err);
      assert.equal(status.reason, "Conflict");
      assert.match(
        status.message ?? "",
        /Apply failed with 1 conflict: conflict with "ocisync-test": \.data\.colour/,
      );
      assert.deepEqual(
        status.details?.causes?.map((c) => c.field),
        [".data.colour"],
      );

      // Forcing takes the field over, as kubectl apply --server-side --force-conflicts does.
      const forced = await apply(api, changed, OTHER, true);
      assert.equal((forced["data"] as Record<string, string>)["colour"], "red");
      assert.ok(managers(forced).some((m) => m.manager === OTHER && m.operation === "Apply"));
    },
  );

  test("cleans up", { timeout: 60_000 }, async () => {
    const api = KubernetesObjectApi.makeApiClient(cluster().kubeConfig);
    await api.delete(crd);
    await api.delete(namespace);
  });
});
