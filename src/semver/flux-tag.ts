// SPDX-License-Identifier: Apache-2.0
import { describeVersionError, isVersion, scanVersion } from "./version.ts";
import type { Version } from "./version.ts";

/** The outcome of reading a registry tag as a version: a {@link Version}, or why it is not one. */
export type FluxTagResult =
  | { readonly kind: "version"; readonly version: Version }
  | { readonly kind: "not-a-version"; readonly reason: string };

/** The Helm chart layer media type; with it, `_` in a tag stands for `+` (source-controller#1834). */
export const HELM_CHART_LAYER_MEDIA_TYPE = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";

const COSIGN_TAG = /^sha256-[0-9a-f]{64}\.(?:sig|att|sbom)$/;

/** True when `s` has at least two dots, i.e. Go's `strings.SplitN(s, ".", 3)` yields three parts. */
function hasThreeParts(s: string): boolean {
  const first = s.indexOf(".");
  return first >= 0 && s.indexOf(".", first + 1) >= 0;
}

/**
 * Fast path of {@link parseFluxTag}: the version, or undefined. No reason strings are built.
 */
export function scanFluxTag(tag: string): Version | undefined {
  if (!hasThreeParts(tag)) return undefined;
  const v = scanVersion(tag);
  return isVersion(v) ? v : undefined;
}

/**
 * Reads a registry tag as a version exactly like Flux (`fluxcd/pkg` `version.ParseVersion`): the tag
 * must have three dot-separated parts *before* parsing (`v1.2`, `1` are skipped even though
 * Masterminds would coerce them), then Masterminds `NewVersion` applies: a single lowercase `v`
 * prefix, leading zeros coerced (`2025.02.03` is 2025.2.3). `1.2-rc.1` passes the naive three-part
 * split and becomes 1.2.0-rc.1, as in Flux. The version keeps the tag as spelled in `original`.
 * https://github.com/fluxcd/pkg/blob/main/version/version.go
 */
export function parseFluxTag(tag: string): FluxTagResult {
  if (!hasThreeParts(tag)) {
    const reason = COSIGN_TAG.test(tag)
      ? "cosign signature or attestation tag"
      : `needs three dot-separated parts (has ${tag.split(".").length})`;
    return { kind: "not-a-version", reason };
  }
  const v = scanVersion(tag);
  if (isVersion(v)) return { kind: "version", version: v };
  return { kind: "not-a-version", reason: describeVersionError(tag, v) };
}
