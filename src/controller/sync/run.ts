// SPDX-License-Identifier: Apache-2.0
import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { stringify } from "yaml";
import { isCdError, parseApiVersion, parseGoDuration, type Clock } from "../../core/index.ts";
import {
  ApplyError,
  applySet,
  healthTargets,
  waitForHealthy,
  type ChangeSetEntry,
  type HealthEntry,
  type HealthTarget,
  type KubePort,
} from "../../apply/index.ts";
import { buildKustomization, type Unstructured } from "../../build/index.ts";
import { defaultTimeoutMs, type FluxBundle, type Kustomization } from "../api/index.ts";
import { SyncError } from "./errors.ts";
import { orderByDependencies } from "./order.ts";
import { fetchSource, type FetchedSource, type SourceDeps } from "./source.ts";

/** Flux's owner labels (flux-compat §5.2 step 9). */
export const OWNER_NAME_LABEL = "kustomize.toolkit.fluxcd.io/name";
export const OWNER_NAMESPACE_LABEL = "kustomize.toolkit.fluxcd.io/namespace";

/** What `sync` needs besides the manifests. */
export interface SyncDeps extends SourceDeps {
  /** The cluster; absent when rendering. */
  readonly kube?: KubePort;
  readonly kustomizePath?: string;
  /** The kustomize child's whole environment (PATH, HOME). */
  readonly kustomizeEnv?: Readonly<Record<string, string>>;
  readonly clock?: Clock;
}

/** How `sync` runs. */
export interface SyncOptions {
  /** Write each Kustomization's manifests to `DIR/<namespace>/<name>.yaml` instead of applying them. */
  readonly renderTo?: string;
  readonly fieldManager?: string;
  /** Poll interval of health checks (Flux: 5 s). */
  readonly healthPollMs?: number;
}

/** What happened to one Kustomization. */
export interface AppReport {
  readonly kustomization: string;
  readonly source: string;
  readonly status: "applied" | "rendered" | "failed" | "skipped";
  readonly fetched?: Omit<FetchedSource, "dir">;
  readonly objects?: number;
  readonly renderedTo?: string;
  readonly changes?: readonly ChangeSetEntry[];
  readonly health?: readonly HealthEntry[];
  readonly error?: { readonly code: string; readonly message: string };
}

const keyOf = (ns: string, name: string): string => `${ns}/${name}`;

/**
 * The whole pipeline for every Kustomization, in `dependsOn` order: resolve and verify its source, pull, build,
 * then apply with prune and wait — or render. A failed step stops that Kustomization (nothing applied or pruned
 * after it) and its dependents; the others go on.
 */
export async function runSync(bundle: FluxBundle, opts: SyncOptions, deps: SyncDeps): Promise<AppReport[]> {
  const reports = new Map<string, AppReport>();
  const sources = new Map<string, Promise<FetchedSource>>();
  for (const ks of orderByDependencies(bundle.kustomizations)) {
    const id = keyOf(ks.metadata.namespace, ks.metadata.name);
    const src = keyOf(ks.spec.sourceRef.namespace, ks.spec.sourceRef.name);
    const blocked = (ks.spec.dependsOn ?? []).find(
      (d) =>
        reports.get(keyOf(d.namespace, d.name))?.status === "failed" ||
        reports.get(keyOf(d.namespace, d.name))?.status === "skipped",
    );
    if (ks.spec.suspend === true) {
      reports.set(id, {
        kustomization: id,
        source: src,
        status: "skipped",
        error: { code: "SUSPENDED", message: "spec.suspend is true" },
      });
      continue;
    }
    if (blocked !== undefined) {
      const error = {
        code: "DEPENDENCY_NOT_READY",
        message: `dependency ${keyOf(blocked.namespace, blocked.name)} is not ready`,
      };
      reports.set(id, { kustomization: id, source: src, status: "skipped", error });
      continue;
    }
    reports.set(id, await syncOne(ks, bundle, opts, deps, sources));
  }
  return [...reports.values()];
}

async function syncOne(
  ks: Kustomization,
  bundle: FluxBundle,
  opts: SyncOptions,
  deps: SyncDeps,
  sources: Map<string, Promise<FetchedSource>>,
): Promise<AppReport> {
  const id = keyOf(ks.metadata.namespace, ks.metadata.name);
  const srcKey = keyOf(ks.spec.sourceRef.namespace, ks.spec.sourceRef.name);
  let fetched: FetchedSource | undefined;
  try {
    fetched = await sourceOf(ks, bundle, deps, sources);
    const objects = await build(ks, bundle, fetched, deps);
    const base = { kustomization: id, source: srcKey, fetched: withoutDir(fetched), objects: objects.length };
    if (opts.renderTo !== undefined) {
      const file = join(opts.renderTo, ks.metadata.namespace, `${ks.metadata.name}.yaml`);
      await writeAtomically(file, objects.map((o) => stringify(o)).join("---\n"));
      return { ...base, status: "rendered", renderedTo: file };
    }
    if (deps.kube === undefined)
      throw new SyncError({
        code: "UNSUPPORTED_SOURCE",
        message: "no cluster: give --kubeconfig or --render-to",
      });
    return { ...base, ...(await applyAndWait(ks, objects, deps.kube, opts, deps)) };
  } catch (err) {
    const error = isCdError(err)
      ? { code: err.code, message: err.message }
      : { code: "ERROR", message: err instanceof Error ? err.message : String(err) };
    return {
      kustomization: id,
      source: srcKey,
      status: "failed",
      ...(fetched === undefined ? {} : { fetched: withoutDir(fetched) }),
      error,
    };
  }
}

function sourceOf(
  ks: Kustomization,
  bundle: FluxBundle,
  deps: SyncDeps,
  cache: Map<string, Promise<FetchedSource>>,
): Promise<FetchedSource> {
  const ref = ks.spec.sourceRef;
  const key = keyOf(ref.namespace, ref.name);
  if (ref.kind !== "OCIRepository") {
    return Promise.reject(
      new SyncError({
        code: "UNSUPPORTED_SOURCE",
        message: `sourceRef ${ref.kind}/${key}: only OCIRepository sources are supported`,
      }),
    );
  }
  const repo = bundle.repositories.get(key);
  if (repo === undefined)
    return Promise.reject(
      new SyncError({
        code: "SOURCE_NOT_FOUND",
        message: `OCIRepository ${key} is not among the given manifests`,
      }),
    );
  let pending = cache.get(key);
  if (pending === undefined) {
    pending = fetchSource(repo, bundle, deps);
    cache.set(key, pending);
  }
  return pending;
}

async function build(
  ks: Kustomization,
  bundle: FluxBundle,
  src: FetchedSource,
  deps: SyncDeps,
): Promise<Unstructured[]> {
  const ns = ks.metadata.namespace;
  const substituteSources: Record<string, Record<string, string>> = {};
  for (const ref of ks.spec.postBuild?.substituteFrom ?? []) {
    const found = (ref.kind === "Secret" ? bundle.secrets : bundle.configMaps).get(keyOf(ns, ref.name));
    if (found !== undefined) substituteSources[`${ref.kind}/${ref.name}`] = { ...found.data };
  }
  const result = await buildKustomization({
    root: src.dir,
    spec: ks.spec,
    substituteSources,
    ...(deps.kustomizePath === undefined ? {} : { kustomizePath: deps.kustomizePath }),
    ...(deps.kustomizeEnv === undefined ? {} : { env: deps.kustomizeEnv }),
    ...(deps.signal === undefined ? {} : { signal: deps.signal }),
  });
  const labels = { [OWNER_NAME_LABEL]: ks.metadata.name, [OWNER_NAMESPACE_LABEL]: ns };
  return result.objects.map((o) => withLabels(o, labels));
}

async function applyAndWait(
  ks: Kustomization,
  objects: readonly Unstructured[],
  kube: KubePort,
  opts: SyncOptions,
  deps: SyncDeps,
): Promise<Pick<AppReport, "status" | "changes" | "health" | "error">> {
  const ns = ks.metadata.namespace;
  const result = await applySet(kube, objects, {
    parent: { kind: "Secret", name: `ocisync-${ks.metadata.name}`, namespace: ns },
    tooling: "ocisync/0.1.0",
    prune: ks.spec.prune,
    force: ks.spec.force === true,
    labels: { [OWNER_NAME_LABEL]: ks.metadata.name, [OWNER_NAMESPACE_LABEL]: ns },
    defaultNamespace: ks.spec.targetNamespace ?? ns,
    ...(opts.fieldManager === undefined ? {} : { fieldManager: opts.fieldManager }),
    ...(deps.clock === undefined ? {} : { clock: deps.clock }),
    ...(deps.signal === undefined ? {} : { signal: deps.signal }),
  });
  const changes = result.changeSet.entries;
  const targets =
    ks.spec.wait === true ? healthTargets(result.objects) : await explicitTargets(ks, kube, deps.signal);
  if (targets.length === 0) return { status: "applied", changes };
  const timeoutMs =
    ks.spec.timeout === undefined
      ? defaultTimeoutMs(parseGoDuration(ks.spec.interval) ?? 60_000)
      : (parseGoDuration(ks.spec.timeout) ?? 60_000);
  try {
    const report = await waitForHealthy(kube, targets, {
      timeoutMs,
      failFast: true,
      ...(opts.healthPollMs === undefined ? {} : { pollMs: opts.healthPollMs }),
      ...(deps.clock === undefined ? {} : { clock: deps.clock }),
      ...(deps.signal === undefined ? {} : { signal: deps.signal }),
    });
    return { status: "applied", changes, health: report.entries };
  } catch (err) {
    // A failed health check keeps what was applied and each object's health in the report.
    if (!(err instanceof ApplyError) || err.code !== "HEALTH_CHECK_FAILED") throw err;
    const health = err.health?.entries ?? [];
    return { status: "failed", changes, health, error: { code: err.code, message: err.message } };
  }
}

/**
 * `spec.healthChecks` (used when `spec.wait` is not set): the objects to wait for; `apiVersion` defaults to `apps/v1`
 * and `namespace` to the Kustomization's target namespace, as Flux reads them.
 */
async function explicitTargets(
  ks: Kustomization,
  kube: KubePort,
  signal: AbortSignal | undefined,
): Promise<HealthTarget[]> {
  const out: HealthTarget[] = [];
  for (const h of ks.spec.healthChecks ?? []) {
    const { group, version } = parseApiVersion(h.apiVersion ?? "apps/v1");
    const mapping = await kube.mapping(
      { group, version, kind: h.kind },
      signal === undefined ? {} : { signal },
    );
    const namespace = mapping.namespaced
      ? (h.namespace ?? ks.spec.targetNamespace ?? ks.metadata.namespace)
      : "";
    out.push({ ref: { group, version, kind: h.kind, namespace, name: h.name }, mapping });
  }
  return out;
}

function withLabels(obj: Unstructured, labels: Readonly<Record<string, string>>): Unstructured {
  const meta = (obj.metadata ?? {}) as Record<string, unknown>;
  const existing = (meta.labels ?? {}) as Record<string, string>;
  return { ...obj, metadata: { ...meta, labels: { ...existing, ...labels } } };
}

function withoutDir(f: FetchedSource): Omit<FetchedSource, "dir"> {
  return Object.fromEntries(Object.entries(f).filter(([k]) => k !== "dir")) as Omit<FetchedSource, "dir">;
}

async function writeAtomically(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}
