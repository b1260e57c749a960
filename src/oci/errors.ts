// SPDX-License-Identifier: Apache-2.0
import { CdError } from "../core/index.ts";
/** Codes of {@link OciError}. */
export type OciErrorCode =
  | "INVALID_REFERENCE"
  | "NOT_FOUND"
  | "UNAUTHORIZED"
  | "DENIED"
  | "DIGEST_MISMATCH"
  | "SIZE_EXCEEDED"
  | "TOO_MANY_REQUESTS"
  | "REGISTRY_ERROR"
  | "NETWORK_ERROR"
  | "TIMEOUT"
  | "INVALID_MANIFEST"
  | "UNSUPPORTED"
  | "CREDENTIALS_ERROR"
  | "LAYOUT_ERROR";
/** An error from the registry client layer; `code` is stable API. */
export class OciError extends CdError<OciErrorCode> {}
