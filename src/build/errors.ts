// SPDX-License-Identifier: Apache-2.0
import { CdError } from "../core/index.ts";

/**
 * Codes of {@link BuildError}. Stable API (never renamed once released):
 * - `KUSTOMIZE_NOT_FOUND`: the kustomize program could not be started.
 * - `KUSTOMIZE_FAILED`: kustomize exited non-zero; the message carries its stderr.
 * - `KUSTOMIZE_TIMEOUT`: kustomize ran longer than the build's timeout and was killed.
 * - `OUTPUT_TOO_LARGE`: kustomize printed more than the output cap.
 * - `INVALID_YAML`: a manifest or kustomize's output is not (Kubernetes) YAML.
 * - `INVALID_RESOURCE`: a built object lacks `apiVersion`, `kind` or `metadata.name`.
 * - `INVALID_SPEC`: the Flux Kustomization (or one of its fields) is malformed.
 * - `SUBSTITUTION_FAILED`: post-build variable substitution failed (strict mode, parse error, bad var name).
 * - `PATH_ESCAPES_ROOT`: a path (spec.path, a component, a symlink) leaves the source root.
 * - `PATH_NOT_FOUND`: the source root or the kustomization path does not exist.
 * - `SOURCE_TOO_LARGE`: the source tree exceeds the copy caps (bytes or entries).
 */
export type BuildErrorCode =
  | "KUSTOMIZE_NOT_FOUND"
  | "KUSTOMIZE_FAILED"
  | "KUSTOMIZE_TIMEOUT"
  | "OUTPUT_TOO_LARGE"
  | "INVALID_YAML"
  | "INVALID_RESOURCE"
  | "INVALID_SPEC"
  | "SUBSTITUTION_FAILED"
  | "PATH_ESCAPES_ROOT"
  | "PATH_NOT_FOUND"
  | "SOURCE_TOO_LARGE";

/** A Flux Kustomization build failed; `code` says why (the controller maps these to `BuildFailed`). */
export class BuildError extends CdError<BuildErrorCode> {}
