// SPDX-License-Identifier: Apache-2.0
// The part of Flux's `kustomize.toolkit.fluxcd.io/v1` Kustomization that a build uses, with validation after
// the CRD's openAPIV3Schema for those fields (fluxcd/kustomize-controller api/v1/kustomization_types.go,
// fluxcd/pkg apis/kustomize). Unknown fields are ignored, as the API server would keep them out of the typed spec.
import { BuildError } from "./errors.ts";
import { isRecord } from "./unstructured.ts";

/** kustomize's patch target (`fluxcd/pkg/apis/kustomize` Selector). */
export interface PatchSelector {
  readonly group?: string;
  readonly version?: string;
  readonly kind?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly labelSelector?: string;
  readonly annotationSelector?: string;
}

/** `spec.patches[]`: a strategic-merge or JSON6902 patch as inline YAML. */
export interface KustomizePatch {
  readonly patch: string;
  readonly target?: PatchSelector;
}

/** `spec.images[]`. */
export interface KustomizeImage {
  readonly name: string;
  readonly newName?: string;
  readonly newTag?: string;
  readonly digest?: string;
}

/** `spec.postBuild.substituteFrom[]`. */
export interface SubstituteReference {
  readonly kind: "ConfigMap" | "Secret";
  readonly name: string;
  readonly optional?: boolean;
}

/** `spec.postBuild`. */
export interface PostBuild {
  readonly substitute?: Readonly<Record<string, string>>;
  readonly substituteFrom?: readonly SubstituteReference[];
  readonly substituteStrategy?: "WithVariables" | "Always";
}

/** `spec.commonMetadata`. */
export interface CommonMetadata {
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** The build-related fields of a Kustomization spec; everything is optional for a build. */
export interface KustomizationBuildSpec {
  readonly path?: string;
  readonly targetNamespace?: string;
  readonly namePrefix?: string;
  readonly nameSuffix?: string;
  readonly patches?: readonly KustomizePatch[];
  readonly images?: readonly KustomizeImage[];
  readonly components?: readonly string[];
  readonly ignoreMissingComponents?: boolean;
  readonly buildMetadata?: readonly ("originAnnotations" | "transformerAnnotations")[];
  readonly commonMetadata?: CommonMetadata;
  readonly postBuild?: PostBuild;
}

/** A Flux Kustomization object as read from a file (metadata kept loose). */
export interface FluxKustomization {
  readonly apiVersion: string;
  readonly kind: "Kustomization";
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly spec: KustomizationBuildSpec;
}

/** API versions accepted for `-f`: v1 and the older v1beta2, whose build fields are the same. */
export const KUSTOMIZATION_API_VERSIONS = [
  "kustomize.toolkit.fluxcd.io/v1",
  "kustomize.toolkit.fluxcd.io/v1beta2",
];

function invalid(field: string, why: string): never {
  throw new BuildError({ code: "INVALID_SPEC", message: `${field}: ${why}` });
}

function optString(v: unknown, field: string, min = 0, max = Infinity): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") invalid(field, "must be a string");
  if (v.length < min || v.length > max) invalid(field, `length must be between ${min} and ${max}`);
  return v;
}

function reqString(v: unknown, field: string): string {
  const s = optString(v, field, 1);
  return s ?? invalid(field, "is required");
}

function optBool(v: unknown, field: string): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") invalid(field, "must be a boolean");
  return v;
}

function stringMap(v: unknown, field: string): Record<string, string> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isRecord(v)) invalid(field, "must be a map of strings");
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v))
    out[k] = optString(val, `${field}.${k}`) ?? invalid(`${field}.${k}`, "must be a string");
  return out;
}

function list<T>(v: unknown, field: string, item: (x: unknown, f: string) => T): T[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) invalid(field, "must be a list");
  return v.map((x, i) => item(x, `${field}[${i}]`));
}

function record(v: unknown, field: string): Record<string, unknown> {
  return isRecord(v) ? v : invalid(field, "must be an object");
}

function selector(v: unknown, field: string): PatchSelector | undefined {
  if (v === undefined || v === null) return undefined;
  const o = record(v, field);
  const keys = [
    "group",
    "version",
    "kind",
    "namespace",
    "name",
    "labelSelector",
    "annotationSelector",
  ] as const;
  return Object.fromEntries(
    keys.flatMap((k) => {
      const s = optString(o[k], `${field}.${k}`);
      return s === undefined ? [] : [[k, s]];
    }),
  );
}

function patch(v: unknown, field: string): KustomizePatch {
  const o = record(v, field);
  const target = selector(o.target, `${field}.target`);
  return { patch: reqString(o.patch, `${field}.patch`), ...(target ? { target } : {}) };
}

function image(v: unknown, field: string): KustomizeImage {
  const o = record(v, field);
  const opt = (k: "newName" | "newTag" | "digest") => {
    const s = optString(o[k], `${field}.${k}`);
    return s === undefined ? {} : { [k]: s };
  };
  return { name: reqString(o.name, `${field}.name`), ...opt("newName"), ...opt("newTag"), ...opt("digest") };
}

function substituteRef(v: unknown, field: string): SubstituteReference {
  const o = record(v, field);
  if (o.kind !== "ConfigMap" && o.kind !== "Secret") invalid(`${field}.kind`, "must be ConfigMap or Secret");
  const optional = optBool(o.optional, `${field}.optional`);
  return {
    kind: o.kind,
    name: reqString(o.name, `${field}.name`),
    ...(optional === undefined ? {} : { optional }),
  };
}

function postBuild(v: unknown, field: string): PostBuild | undefined {
  if (v === undefined || v === null) return undefined;
  const o = record(v, field);
  const strategy = o.substituteStrategy;
  if (strategy !== undefined && strategy !== "WithVariables" && strategy !== "Always") {
    invalid(`${field}.substituteStrategy`, "must be WithVariables or Always");
  }
  const substitute = stringMap(o.substitute, `${field}.substitute`);
  const from = list(o.substituteFrom, `${field}.substituteFrom`, substituteRef);
  return {
    ...(substitute ? { substitute } : {}),
    ...(from ? { substituteFrom: from } : {}),
    ...(strategy === undefined ? {} : { substituteStrategy: strategy }),
  };
}

function buildMetadata(v: unknown, field: string): KustomizationBuildSpec["buildMetadata"] {
  return list(v, field, (x, f) =>
    x === "originAnnotations" || x === "transformerAnnotations"
      ? x
      : invalid(f, "must be originAnnotations or transformerAnnotations"),
  );
}

/** Validates a Kustomization `spec` (the fields a build uses). Throws `INVALID_SPEC` naming the field. */
export function parseBuildSpec(v: unknown, field = "spec"): KustomizationBuildSpec {
  const o = record(v ?? {}, field);
  const entries: [string, unknown][] = [
    ["path", optString(o.path, `${field}.path`)],
    ["targetNamespace", optString(o.targetNamespace, `${field}.targetNamespace`, 1, 63)],
    ["namePrefix", optString(o.namePrefix, `${field}.namePrefix`, 1, 200)],
    ["nameSuffix", optString(o.nameSuffix, `${field}.nameSuffix`, 1, 200)],
    ["patches", list(o.patches, `${field}.patches`, patch)],
    ["images", list(o.images, `${field}.images`, image)],
    ["components", list(o.components, `${field}.components`, (x, f) => reqString(x, f))],
    ["ignoreMissingComponents", optBool(o.ignoreMissingComponents, `${field}.ignoreMissingComponents`)],
    ["buildMetadata", buildMetadata(o.buildMetadata, `${field}.buildMetadata`)],
    ["postBuild", postBuild(o.postBuild, `${field}.postBuild`)],
  ];
  if (o.commonMetadata !== undefined && o.commonMetadata !== null) {
    const cm = record(o.commonMetadata, `${field}.commonMetadata`);
    const labels = stringMap(cm.labels, `${field}.commonMetadata.labels`);
    const annotations = stringMap(cm.annotations, `${field}.commonMetadata.annotations`);
    entries.push([
      "commonMetadata",
      { ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) },
    ]);
  }
  return Object.fromEntries(entries.filter(([, val]) => val !== undefined));
}

/** Validates a whole Kustomization object (apiVersion, kind, metadata.name, spec). Throws `INVALID_SPEC`. */
export function parseFluxKustomization(v: unknown): FluxKustomization {
  const o = record(v, "Kustomization");
  const apiVersion = reqString(o.apiVersion, "apiVersion");
  if (!KUSTOMIZATION_API_VERSIONS.includes(apiVersion)) {
    invalid("apiVersion", `must be one of ${KUSTOMIZATION_API_VERSIONS.join(", ")}, not ${apiVersion}`);
  }
  if (o.kind !== "Kustomization") invalid("kind", "must be Kustomization");
  const meta = record(o.metadata, "metadata");
  const namespace = optString(meta.namespace, "metadata.namespace");
  return {
    apiVersion,
    kind: "Kustomization",
    metadata: {
      name: reqString(meta.name, "metadata.name"),
      ...(namespace === undefined ? {} : { namespace }),
    },
    spec: parseBuildSpec(o.spec),
  };
}
