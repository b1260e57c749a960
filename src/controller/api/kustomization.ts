// SPDX-License-Identifier: Apache-2.0
import { compact, fieldValidators } from "../../core/index.ts";
import { BuildError, parseBuildSpec, type KustomizationBuildSpec } from "../../build/index.ts";
import { SpecError } from "./errors.ts";
import { objectMeta, type ObjectMeta } from "./meta.ts";

/** `spec.sourceRef`; namespace defaults to the Kustomization's own. */
export interface SourceReference {
  readonly apiVersion?: string;
  readonly kind: "OCIRepository" | "GitRepository" | "Bucket" | "ExternalArtifact";
  readonly name: string;
  readonly namespace: string;
}

/** One `spec.dependsOn` entry; namespace defaults to the Kustomization's own. */
export interface DependencyReference {
  readonly name: string;
  readonly namespace: string;
}

/** `spec` of `kustomize.toolkit.fluxcd.io/v1` Kustomization: the build fields plus how and when to apply. */
export interface KustomizationSpec extends KustomizationBuildSpec {
  readonly sourceRef: SourceReference;
  readonly interval: string;
  readonly retryInterval?: string;
  readonly timeout?: string;
  readonly prune: boolean;
  readonly wait?: boolean;
  readonly force?: boolean;
  readonly suspend?: boolean;
  readonly dependsOn?: readonly DependencyReference[];
  readonly healthChecks?: readonly {
    readonly apiVersion?: string;
    readonly kind: string;
    readonly name: string;
    readonly namespace?: string;
  }[];
  readonly serviceAccountName?: string;
}

/** A Flux Kustomization (https://fluxcd.io/flux/components/kustomize/kustomizations/). */
export interface Kustomization {
  readonly apiVersion: string;
  readonly kind: "Kustomization";
  readonly metadata: ObjectMeta;
  readonly spec: KustomizationSpec;
}

/** API versions read: v1 and v1beta2. */
export const KUSTOMIZATION_API_VERSIONS: readonly string[] = [
  "kustomize.toolkit.fluxcd.io/v1",
  "kustomize.toolkit.fluxcd.io/v1beta2",
];

const SOURCE_KINDS = ["OCIRepository", "GitRepository", "Bucket", "ExternalArtifact"] as const;

/** Validates a Kustomization read from a manifest; `spec.sourceRef`, `spec.interval` and `spec.prune` are required, as in Flux. */
export function parseKustomization(obj: unknown, defaultNamespace: string): Kustomization {
  let where = "?";
  const fail = (field: string, why: string): never => {
    throw new SpecError({ code: "INVALID_SPEC", message: `Kustomization ${where}: ${field}: ${why}` });
  };
  const v = fieldValidators(fail);
  const o = v.record(obj, "object");
  const metadata = objectMeta(o.metadata, defaultNamespace, v);
  where = `${metadata.namespace}/${metadata.name}`;
  const apiVersion = v.reqString(o.apiVersion, "apiVersion");
  if (!KUSTOMIZATION_API_VERSIONS.includes(apiVersion))
    fail("apiVersion", `${apiVersion} is not one of ${KUSTOMIZATION_API_VERSIONS.join(", ")}`);
  const s = v.record(o.spec, "spec");
  const src = v.record(s.sourceRef, "spec.sourceRef");
  const ns = metadata.namespace;
  let build: KustomizationBuildSpec;
  try {
    build = parseBuildSpec(s);
  } catch (err) {
    if (err instanceof BuildError)
      throw new SpecError({
        code: "INVALID_SPEC",
        message: `Kustomization ${where}: ${err.message}`,
        cause: err,
      });
    throw err;
  }
  const spec: KustomizationSpec = {
    ...build,
    sourceRef: {
      kind:
        v.optEnum(src.kind, "spec.sourceRef.kind", SOURCE_KINDS) ??
        fail("spec.sourceRef.kind", "is required"),
      name: v.reqString(src.name, "spec.sourceRef.name"),
      namespace: v.optString(src.namespace, "spec.sourceRef.namespace") ?? ns,
      ...compact({ apiVersion: v.optString(src.apiVersion, "spec.sourceRef.apiVersion") }),
    },
    interval: v.optDuration(s.interval, "spec.interval") ?? fail("spec.interval", "is required"),
    prune: v.optBool(s.prune, "spec.prune") ?? fail("spec.prune", "is required"),
    ...compact({
      retryInterval: v.optDuration(s.retryInterval, "spec.retryInterval"),
      timeout: v.optDuration(s.timeout, "spec.timeout"),
      wait: v.optBool(s.wait, "spec.wait"),
      force: v.optBool(s.force, "spec.force"),
      suspend: v.optBool(s.suspend, "spec.suspend"),
      serviceAccountName: v.optString(s.serviceAccountName, "spec.serviceAccountName"),
      dependsOn: v.optList(s.dependsOn, "spec.dependsOn", (x, f) => {
        const d = v.record(x, f);
        return {
          name: v.reqString(d.name, `${f}.name`),
          namespace: v.optString(d.namespace, `${f}.namespace`) ?? ns,
        };
      }),
      healthChecks: v.optList(s.healthChecks, "spec.healthChecks", (x, f) => {
        const h = v.record(x, f);
        return {
          kind: v.reqString(h.kind, `${f}.kind`),
          name: v.reqString(h.name, `${f}.name`),
          ...compact({
            apiVersion: v.optString(h.apiVersion, `${f}.apiVersion`),
            namespace: v.optString(h.namespace, `${f}.namespace`),
          }),
        };
      }),
    }),
  };
  return { apiVersion, kind: "Kustomization", metadata, spec };
}

/** Flux's default timeout: `max(interval - 30s, 30s)` when `spec.timeout` is unset. */
export function defaultTimeoutMs(intervalMs: number): number {
  return Math.max(intervalMs - 30_000, 30_000);
}
