// SPDX-License-Identifier: Apache-2.0
/**
 * Flux-format OCI artifacts: pack (reproducible tar+gzip as `flux push artifact`), push, pull with safe
 * extraction, tag, list, copy with signatures and referrers; Flux's ignore rules. See docs/artifacts.md.
 */
export { ArtifactError, isArtifactError } from "./errors.ts";
export type { ArtifactErrorCode } from "./errors.ts";
export { packDirectory, pushMatcher } from "./pack.ts";
export type { GzipEncoder, PackedLayer, PackOptions } from "./pack.ts";
export { GoDeflater, goGzip, goGzipStream } from "./go-deflate.ts";
export { entryComponents, extractInto, extractTarGz } from "./extract.ts";
export type { ExtractOptions, ExtractResult } from "./extract.ts";
export {
  EXCLUDE_CI,
  EXCLUDE_EXT,
  EXCLUDE_EXTRA,
  EXCLUDE_VCS,
  IGNORE_FILE,
  PUSH_DEFAULT_IGNORE,
  loadIgnorePatterns,
  matchPattern,
  newArchiveMatcher,
  newDefaultMatcher,
  newMatcher,
  parsePattern,
  readIgnoreFile,
  readPatterns,
} from "./sourceignore.ts";
export type { IgnoreMatcher, IgnorePattern, MatchResult } from "./sourceignore.ts";
export {
  CREATED_ANNOTATION,
  REPRODUCIBLE_CREATED,
  REVISION_ANNOTATION,
  SOURCE_ANNOTATION,
  artifactAnnotations,
  configBytes,
  FLUX_CONFIG_BYTES,
  fluxRevision,
  manifestBytes,
  parseAnnotations,
} from "./metadata.ts";
export type { ArtifactMetadata } from "./metadata.ts";
export { pushArtifact } from "./push.ts";
export type { PushOptions, PushProgress, PushResult } from "./push.ts";
export { parseArtifactManifest, pullArtifact, selectLayer } from "./pull.ts";
export type { LayerOperation, PullOptions, PullResult } from "./pull.ts";
export { isHiddenTag, listArtifacts, selectListedTags, tagArtifact } from "./list.ts";
export type { ArtifactListing, ListOptions } from "./list.ts";
export { copyArtifact } from "./copy.ts";
export type { CopyOptions, CopyResult } from "./copy.ts";
