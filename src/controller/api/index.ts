// SPDX-License-Identifier: Apache-2.0
/** Flux API types ocisync reads unchanged: OCIRepository, Kustomization, and the Secrets/ConfigMaps beside them. */
export { SpecError } from "./errors.ts";
export type { SpecErrorCode } from "./errors.ts";
export type { ObjectMeta } from "./meta.ts";
export { OCI_REPOSITORY_API_VERSIONS, parseOCIRepository } from "./oci-repository.ts";
export type {
  OCIRepository,
  OCIRepositoryRef,
  OCIRepositorySpec,
  OCIRepositoryVerification,
  OIDCIdentityMatch,
} from "./oci-repository.ts";
export { KUSTOMIZATION_API_VERSIONS, defaultTimeoutMs, parseKustomization } from "./kustomization.ts";
export type {
  DependencyReference,
  Kustomization,
  KustomizationSpec,
  SourceReference,
} from "./kustomization.ts";
export { loadBundle, manifestFiles } from "./load.ts";
export type { DataObject, FluxBundle, LoadOptions } from "./load.ts";
