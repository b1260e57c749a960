// SPDX-License-Identifier: Apache-2.0
import { CdError } from "../../core/index.ts";

/** Codes of {@link SpecError}. */
export type SpecErrorCode = "INVALID_SPEC" | "URL_INVALID" | "UNSUPPORTED_KIND" | "MANIFEST_READ_FAILED";

/** A Flux manifest ocisync was given is invalid; the message names the object and the field. */
export class SpecError extends CdError<SpecErrorCode> {}
