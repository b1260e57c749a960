// SPDX-License-Identifier: Apache-2.0
/**
 * The registry client: references, transport (timeouts, retries, redirects, caps), auth (challenges, tokens,
 * docker config, credential helpers, Kubernetes Secrets), repositories on registries and in OCI image layouts.
 */
export { OciError } from "./errors.ts";
export type { OciErrorCode } from "./errors.ts";
export { RegistryError } from "./transport/registry-error.ts";
export type { RegistryErrorEntry } from "./transport/registry-error.ts";
export { DEFAULT_RETRY } from "./transport/retry.ts";
export type { RetryPolicy } from "./transport/retry.ts";
export { redactUrl } from "./transport/redact.ts";
export type { FetchLike } from "./transport/http.ts";
export type { BlobContent, BlobPushResult, FetchedManifest, OpOptions, Repository } from "./repository.ts";
export { OciClient } from "./client/oci-client.ts";
export type { ClientOptions } from "./client/session.ts";
export { fallbackTag } from "./client/referrers.ts";
export { LayoutRepository } from "./layout/layout-repository.ts";
export { ANONYMOUS, chainCredentials, parseUserPassword, staticCredentials } from "./auth/credentials.ts";
export type { Credential, CredentialProvider } from "./auth/credentials.ts";
export {
  dockerConfigCredentials,
  loadDockerConfig,
  parseDockerConfig,
  runCredentialHelper,
} from "./auth/docker-config.ts";
export type { CredentialHelperRunner, DockerConfig } from "./auth/docker-config.ts";
export { kubeSecretCredentials } from "./auth/kube-secret.ts";
export type { SecretLike } from "./auth/kube-secret.ts";
export {
  InvalidReferenceError,
  OCI_LAYOUT_SCHEME,
  OCI_SCHEME,
  formatReference,
  formatTarget,
  isInvalidReferenceError,
  parseReference,
  parseTarget,
  registryHost,
} from "./reference/index.ts";
export type { Reference, ReferenceErrorReason, Target } from "./reference/index.ts";
