// SPDX-License-Identifier: Apache-2.0
import type { Gvk, Unstructured } from "../object.ts";

/** How the API server serves a kind: its plural resource name and whether objects live in a namespace. */
export interface ResourceMapping extends Gvk {
  /** Plural resource name, e.g. `deployments`. */
  readonly resource: string;
  readonly namespaced: boolean;
}

/** Options of every call: cancellation. */
export interface CallOptions {
  readonly signal?: AbortSignal;
}

/** Options of a server-side apply (`PATCH` with `application/apply-patch+yaml`). */
export interface ApplyCallOptions extends CallOptions {
  readonly fieldManager: string;
  readonly force: boolean;
  /** `dryRun=All`: the server validates, admits and merges, but stores nothing. */
  readonly dryRun: boolean;
}

/** A JSON patch operation (RFC 6902). */
export interface JsonPatchOp {
  readonly op: "add" | "replace" | "remove" | "test";
  readonly path: string;
  readonly value?: unknown;
}

/**
 * The few Kubernetes API calls apply, prune and health checks need. {@link KubeClient} implements it over
 * HTTPS; there is deliberately no fake: tests run against a real kube-apiserver.
 */
export interface KubePort {
  /** Discovery: the mapping of a group/version/kind; unknown kinds throw `UNKNOWN_KIND`. */
  mapping(gvk: Gvk, opts?: CallOptions & { readonly refresh?: boolean }): Promise<ResourceMapping>;
  /** Discovery by group and kind only, at the group's preferred version (ApplySet prune). */
  mappingForGroupKind(group: string, kind: string, opts?: CallOptions): Promise<ResourceMapping | undefined>;
  /** GET one object; undefined when it does not exist. */
  get(
    m: ResourceMapping,
    namespace: string,
    name: string,
    opts?: CallOptions,
  ): Promise<Unstructured | undefined>;
  /** Server-side apply of `obj`; returns what the server stored (or would store, with `dryRun`). */
  apply(m: ResourceMapping, obj: Unstructured, opts: ApplyCallOptions): Promise<Unstructured>;
  /** A JSON patch (used to hand managedFields over to the apply manager). */
  patch(
    m: ResourceMapping,
    namespace: string,
    name: string,
    ops: readonly JsonPatchOp[],
    opts: CallOptions & { readonly fieldManager: string },
  ): Promise<Unstructured>;
  /** DELETE with a propagation policy; false when the object was already gone. */
  delete(
    m: ResourceMapping,
    namespace: string,
    name: string,
    opts?: CallOptions & { readonly propagationPolicy?: "Background" | "Foreground" | "Orphan" },
  ): Promise<boolean>;
  /** LIST (all pages) in one namespace, or across all namespaces / cluster-scoped when namespace is undefined. */
  list(
    m: ResourceMapping,
    opts?: CallOptions & { readonly namespace?: string; readonly labelSelector?: string },
  ): Promise<Unstructured[]>;
}
