// SPDX-License-Identifier: Apache-2.0
/**
 * Image references: the `distribution/reference` grammar and Docker CLI normalisation, the `oci://`
 * form Flux uses, and `oci-layout://` targets. The implementation is split by concept across
 * this folder; this file is the surface that `oci/index.ts` re-exports.
 */
export {
  parseReference,
  formatReference,
  registryHost,
  parseTarget,
  formatTarget,
  OCI_SCHEME,
  OCI_LAYOUT_SCHEME,
} from "./target.ts";
export type { Reference, Target } from "./target.ts";
export {
  NAME_TOTAL_LENGTH_MAX,
  parse,
  withName,
  withTag,
  withDigest,
  referenceName,
  referenceString,
} from "./named.ts";
export type { NamedReference } from "./named.ts";
export {
  DEFAULT_DOMAIN,
  parseNormalizedNamed,
  parseNamed,
  parseAnyReference,
  parseDockerRef,
  familiarName,
  familiarString,
} from "./normalize.ts";
export { familiarMatch, matchGlob } from "./match.ts";
export {
  matchReferenceGrammar,
  matchNameGrammar,
  isDomainAndPort,
  isTag,
  isDigestGrammar,
  isIdentifier,
} from "./grammar.ts";
export type { ReferenceGrammarMatch, NameGrammarMatch } from "./grammar.ts";
export { InvalidReferenceError, isInvalidReferenceError } from "./reference-error.ts";
export type { ReferenceErrorReason, InvalidReferenceOptions } from "./reference-error.ts";
