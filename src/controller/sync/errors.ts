// SPDX-License-Identifier: Apache-2.0
import { CdError } from "../../core/index.ts";

/** Codes of {@link SyncError}. */
export type SyncErrorCode =
  | "SOURCE_NOT_FOUND"
  | "UNSUPPORTED_SOURCE"
  | "SECRET_NOT_FOUND"
  | "DEPENDENCY_NOT_READY"
  | "NO_VERIFIED_VERSION"
  | "PATH_NOT_FOUND";

/** A step of `ocisync sync` could not run; the message names the object. */
export class SyncError extends CdError<SyncErrorCode> {}
