// SPDX-License-Identifier: Apache-2.0
/**
 * Flux Kustomization builds: the real kustomize program in a confined working copy, the generated
 * kustomization.yaml, the spec's overlays, post-build substitution and commonMetadata (flux-compat.md §5.3–5.4).
 */
export { buildKustomization, setCommonMetadata } from "./build.ts";
export type { BuildOptions, BuildResult } from "./build.ts";
export { BuildError } from "./errors.ts";
export type { BuildErrorCode } from "./errors.ts";
export { PARSE_ERRORS, TemplateParseError, VarNotSetError, expandTemplate, lookupIn } from "./envsubst.ts";
export type { VarLookup } from "./envsubst.ts";
export { KUSTOMIZATION_FILE_NAMES, findOrGenerateKustomization } from "./generate.ts";
export type { KustomizationFile } from "./generate.ts";
export { KUSTOMIZATION_API_VERSIONS, parseBuildSpec, parseFluxKustomization } from "./kustomization-spec.ts";
export type {
  CommonMetadata,
  FluxKustomization,
  KustomizationBuildSpec,
  KustomizeImage,
  KustomizePatch,
  PatchSelector,
  PostBuild,
  SubstituteReference,
} from "./kustomization-spec.ts";
export { KUSTOMIZE_DEFAULTS, runKustomize } from "./kustomize-runner.ts";
export type { KustomizeRunOptions } from "./kustomize-runner.ts";
export { isLocalRelativePath, overlaySpec, pinFifoOrder } from "./overlay.ts";
export {
  SUBSTITUTE_ANNOTATION,
  isSubstitutionDisabled,
  loadVariables,
  substituteObject,
} from "./substitute.ts";
export type { SubstituteOptions, SubstituteSources } from "./substitute.ts";
export {
  annotationsOf,
  describeObject,
  gvk,
  isRecord,
  labelsOf,
  metadataOf,
  nameOf,
  namespaceOf,
} from "./unstructured.ts";
export type { Gvk, Unstructured } from "./unstructured.ts";
export { DEFAULT_COPY_LIMITS } from "./workdir.ts";
export type { CopyLimits } from "./workdir.ts";
export { parseDocuments, parseObjects, toKustomizeYaml } from "./yaml-codec.ts";
export type { SourceDocument } from "./yaml-codec.ts";
