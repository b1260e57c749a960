// SPDX-License-Identifier: Apache-2.0
import { CdError } from "../core/index.ts";

/**
 * Codes of {@link ArtifactError}; stable API (docs/artifacts.md lists each with its cause).
 * - `UNSAFE_PATH`: an archive entry is absolute, contains `..`, `\` or NUL, or is empty.
 * - `UNSAFE_LINK`: a symlink or hard link points outside the target, or a hard link to nothing extracted.
 * - `UNSUPPORTED_ENTRY`: a device, FIFO or unknown tar entry type.
 * - `DUPLICATE_ENTRY`: an entry would overwrite a file or directory extracted before, or go through a file.
 * - `TOO_MANY_ENTRIES` / `TOO_LARGE`: the archive exceeds the entry or byte cap (checked while streaming).
 * - `MANIFEST_TOO_LARGE`: the manifest exceeds its cap.
 * - `DIGEST_MISMATCH`: a blob's bytes do not match the digest its manifest names.
 * - `LAYER_NOT_FOUND`: no layer matches, or the registry does not have the layer blob.
 * - `UNEXPECTED_MEDIA_TYPE`: the manifest or the selected layer is not of a type the operation handles.
 * - `INVALID_ARCHIVE`: the layer is not a readable gzip-compressed tar.
 * - `INVALID_SOURCE`: the path to push does not exist, or is not a file or directory.
 * - `INVALID_ANNOTATION`: an annotation is not `key=value`, or `created` is not RFC 3339.
 * - `OUTPUT_EXISTS`: the output of a pull is a non-empty directory or not a directory.
 */
export type ArtifactErrorCode =
  | "UNSAFE_PATH"
  | "UNSAFE_LINK"
  | "UNSUPPORTED_ENTRY"
  | "DUPLICATE_ENTRY"
  | "TOO_MANY_ENTRIES"
  | "TOO_LARGE"
  | "MANIFEST_TOO_LARGE"
  | "DIGEST_MISMATCH"
  | "LAYER_NOT_FOUND"
  | "UNEXPECTED_MEDIA_TYPE"
  | "INVALID_ARCHIVE"
  | "INVALID_SOURCE"
  | "INVALID_ANNOTATION"
  | "OUTPUT_EXISTS";

/** An error from packing, pushing, pulling or extracting a Flux artifact; `code` is stable API. */
export class ArtifactError extends CdError<ArtifactErrorCode> {}

/** True when `err` is an {@link ArtifactError}. */
export function isArtifactError(err: unknown): err is ArtifactError {
  return err instanceof ArtifactError;
}
