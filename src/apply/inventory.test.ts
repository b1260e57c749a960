// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { suite, test } from "node:test";
import { ApplyError } from "./errors.ts";
import {
  applySetId,
  applySetMembers,
  applySetParentObject,
  fluxInventoryEntry,
  formatGroupKind,
  parseFluxInventoryEntry,
  parseGroupKind,
  readApplySetParent,
  type ApplySetParent,
} from "./inventory.ts";
import type { ObjectRef } from "./object.ts";

const parent: ApplySetParent = { kind: "Secret", name: "app", namespace: "apps" };
const ref = (group: string, version: string, kind: string, namespace: string, name: string): ObjectRef => ({
  group,
  version,
  kind,
  namespace,
  name,
});

suite("ApplySet", () => {
  test("id is kubectl's: applyset-base64url(sha256(name.namespace.kind.group))-v1", () => {
    const want = `applyset-${createHash("sha256").update("app.apps.Secret.").digest("base64url")}-v1`;
    assert.equal(applySetId(parent), want);
    assert.match(applySetId(parent), /^applyset-[A-Za-z0-9_-]{43}-v1$/);
  });

  const memberCases = [
    {
      name: "group/kinds sorted and unique, core kinds bare; other namespaces listed",
      refs: [
        ref("apps", "v1", "Deployment", "apps", "web"),
        ref("", "v1", "ConfigMap", "apps", "a"),
        ref("", "v1", "ConfigMap", "other", "b"),
        ref("", "v1", "Namespace", "", "apps"),
        ref("apps", "v1", "Deployment", "apps", "api"),
      ],
      want: { gks: "ConfigMap,Deployment.apps,Namespace", namespaces: "other" },
    },
    { name: "empty", refs: [], want: { gks: "", namespaces: "" } },
  ];
  for (const c of memberCases) {
    test(`parent object: ${c.name}`, () => {
      const obj = applySetParentObject(parent, applySetMembers(parent, c.refs), "ocisync/v0.1.0");
      assert.deepEqual(obj, {
        apiVersion: "v1",
        kind: "Secret",
        metadata: {
          name: "app",
          namespace: "apps",
          labels: { "applyset.kubernetes.io/id": applySetId(parent) },
          annotations: {
            "applyset.kubernetes.io/tooling": "ocisync/v0.1.0",
            "applyset.kubernetes.io/contains-group-kinds": c.want.gks,
            "applyset.kubernetes.io/additional-namespaces": c.want.namespaces,
          },
        },
      });
      const back = readApplySetParent(parent, obj);
      assert.equal(back.tooling, "ocisync/v0.1.0");
      assert.equal(back.groupKinds.map(formatGroupKind).join(","), c.want.gks);
      assert.equal(back.additionalNamespaces.join(","), c.want.namespaces);
    });
  }

  test("a parent with another id label is an INVENTORY_ERROR", () => {
    const obj = applySetParentObject(
      { ...parent, name: "other" },
      { groupKinds: [], additionalNamespaces: [] },
      "x/1",
    );
    assert.throws(
      () => readApplySetParent(parent, obj),
      (e: unknown) => e instanceof ApplyError && e.code === "INVENTORY_ERROR",
    );
  });

  test("parseGroupKind splits at the first dot", () => {
    assert.deepEqual(parseGroupKind("Ingress.networking.k8s.io"), {
      group: "networking.k8s.io",
      kind: "Ingress",
    });
    assert.deepEqual(parseGroupKind("Secret"), { group: "", kind: "Secret" });
  });
});

suite("Flux inventory entries", () => {
  const cases = [
    {
      name: "namespaced core",
      ref: ref("", "v1", "Service", "default", "podinfo"),
      want: { id: "default_podinfo__Service", v: "v1" },
    },
    {
      name: "cluster-scoped",
      ref: ref("", "v1", "Namespace", "", "apps"),
      want: { id: "_apps__Namespace", v: "v1" },
    },
    {
      name: "grouped",
      ref: ref("apps", "v1", "Deployment", "apps", "web"),
      want: { id: "apps_web_apps_Deployment", v: "v1" },
    },
    {
      name: "RBAC names encode ':' as '__'",
      ref: ref("rbac.authorization.k8s.io", "v1", "ClusterRole", "", "system:reader"),
      want: { id: "_system__reader_rbac.authorization.k8s.io_ClusterRole", v: "v1" },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(fluxInventoryEntry(c.ref), c.want);
      assert.deepEqual(parseFluxInventoryEntry(c.want), c.ref);
    });
  }
});
