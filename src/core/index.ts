// SPDX-License-Identifier: Apache-2.0
/** Core types with no I/O: digests, descriptors, media types, errors, limits, clock and logger ports. */
export { CdError, ConfigError, isCdError } from "./errors.ts";
export type { CdErrorOptions, ConfigErrorCode } from "./errors.ts";
export {
  DigestError,
  digestAlgorithm,
  digestHex,
  digestOf,
  isDigest,
  parseDigest,
  sha256Of,
} from "./digest.ts";
export type { Digest, DigestErrorCode } from "./digest.ts";
export type { Descriptor, ImageIndex, ImageManifest } from "./descriptor.ts";
export { MANIFEST_ACCEPT, MediaType, isIndexMediaType, isManifestMediaType } from "./media-types.ts";
export { DEFAULT_LIMITS } from "./limits.ts";
export type { Limits } from "./limits.ts";
export { NOOP_LOGGER, SYSTEM_CLOCK } from "./ports.ts";
export type { Clock, LogFields, Logger } from "./ports.ts";
export { formatDuration, parseGoDuration } from "./duration.ts";
export { compact, fieldValidators, isRecord } from "./validate.ts";
export type { Fail } from "./validate.ts";
export {
  formatApiVersion,
  getPath,
  gvkOf,
  metadataOf,
  nameOf,
  namespaceOf,
  parseApiVersion,
  refOf,
  stringAt,
  stringMapOf,
  subjectOf,
} from "./unstructured.ts";
export type { Gvk, ObjectRef, Unstructured } from "./unstructured.ts";
export { BadPatternError, goPathMatch } from "./go-path-match.ts";
export { nodeHttp, nodeHttps } from "./node-http.ts";
export { readStdinText, STDIN_PATH, STDIN_SOURCE, stdinPathProblem } from "./stdin-source.ts";
export type { StdinReader } from "./stdin-source.ts";
export { proxyEnvFrom } from "./proxy-env.ts";
export type { ProxyEnv } from "./proxy-env.ts";
