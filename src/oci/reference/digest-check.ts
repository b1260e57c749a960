// SPDX-License-Identifier: Apache-2.0
import type { ReferenceErrorReason } from "./reference-error.ts";

/**
 * Hex length of each algorithm ocisync accepts: the ones the OCI image-spec registers
 * (https://github.com/opencontainers/image-spec/blob/main/descriptor.md#registered-algorithms).
 * Upstream's tests register only sha256, which is why the corpus rejects sha512; ocisync accepts it.
 */
const HEX_LENGTH: ReadonlyMap<string, number> = new Map([
  ["sha256", 64],
  ["sha512", 128],
]);
const DIGEST_ANCHORED = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const LOWER_HEX = /^[a-f0-9]+$/;

/** What go-digest reports about a digest string: one of its three errors. */
export type DigestProblem = Extract<
  ReferenceErrorReason,
  "invalid checksum digest format" | "invalid checksum digest length" | "unsupported digest algorithm"
>;

/** The hint shown with every {@link DigestProblem}. */
export const DIGEST_HINT = "expected sha256:<64 lowercase hex digits> or sha512:<128 lowercase hex digits>";

/**
 * Validates `d` the way go-digest v1.0.0 `Digest.Validate` does, in its order: the shape `alg:encoded`, a
 * known algorithm (an unknown one is "unsupported" only if it fits the digest grammar), the exact length,
 * then lowercase hex (https://github.com/opencontainers/go-digest/blob/v1.0.0/digest.go).
 * Returns undefined when `d` is valid.
 */
export function digestProblem(d: string): DigestProblem | undefined {
  const i = d.indexOf(":");
  if (i <= 0 || i + 1 === d.length) return "invalid checksum digest format";
  const want = HEX_LENGTH.get(d.slice(0, i));
  if (want === undefined) {
    return DIGEST_ANCHORED.test(d) ? "unsupported digest algorithm" : "invalid checksum digest format";
  }
  const hex = d.slice(i + 1);
  if (hex.length !== want) return "invalid checksum digest length";
  return LOWER_HEX.test(hex) ? undefined : "invalid checksum digest format";
}
