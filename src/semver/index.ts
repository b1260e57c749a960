// SPDX-License-Identifier: Apache-2.0
/**
 * Masterminds/semver v3 versions and ranges, Flux's tag parser and OCIRepository tag selection with
 * per-tag explanations; reference precedence and revision strings. Pure: no I/O.
 * See docs/semver.md and https://fluxcd.io/flux/components/source/ocirepositories/#reference
 */
export { SemverError } from "./errors.ts";
export type { SemverErrorCode, SemverErrorDetails, SemverErrorOptions } from "./errors.ts";
export { compareVersions, comparePrerelease, formatVersion, parseVersion } from "./version.ts";
export type { Version } from "./version.ts";
export { HELM_CHART_LAYER_MEDIA_TYPE, parseFluxTag } from "./flux-tag.ts";
export type { FluxTagResult } from "./flux-tag.ts";
export { checkConstraint, formatConstraint, parseConstraint, validateConstraint } from "./constraint.ts";
export type { Comparator, Constraint, Operator } from "./constraint.ts";
export { compileFilter } from "./filter.ts";
export type { TagFilter } from "./filter.ts";
export { selectTag } from "./select.ts";
export type { SelectOptions, Selection, TagVerdict, Verdict } from "./select.ts";
export { refKind, revisionOf } from "./revision.ts";
export type { OciRef, RefKind } from "./revision.ts";
