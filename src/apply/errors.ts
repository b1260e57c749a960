// SPDX-License-Identifier: Apache-2.0
import { CdError, type CdErrorOptions } from "../core/index.ts";
import type { ChangeSet } from "./changeset.ts";
import type { HealthReport } from "./wait.ts";

/** Codes of {@link ApplyError}; stable API, never renamed. */
export type ApplyErrorCode =
  /** A manifest is not a Kubernetes object (no apiVersion, kind or metadata.name) or is a duplicate. */
  | "INVALID_OBJECT"
  /** The API server does not serve the object's apiVersion/kind (discovery has no mapping). */
  | "UNKNOWN_KIND"
  /** A namespaced object has no namespace and no default namespace was given. */
  | "NAMESPACE_REQUIRED"
  /** The server-side dry-run apply was rejected (and recreating was not allowed or did not help). */
  | "DRY_RUN_FAILED"
  /** The server-side apply was rejected. */
  | "APPLY_FAILED"
  /** Deleting stale objects failed for at least one object. */
  | "PRUNE_FAILED"
  /** Objects did not become healthy before the timeout, or one failed early. */
  | "HEALTH_CHECK_FAILED"
  /** A stage's definitions (CRDs, Namespaces, classes) were not ready within the stage timeout. */
  | "STAGE_NOT_READY"
  /** The ApplySet parent object is missing, malformed or belongs to another tool. */
  | "INVENTORY_ERROR"
  /** Any other answer of the API server (status, reason and message are kept). */
  | "API_ERROR"
  /** The kubeconfig is missing, unreadable or lacks the context, cluster or user it names. */
  | "INVALID_KUBECONFIG"
  /** The API server could not be reached. */
  | "NETWORK_ERROR"
  /** A manifest file could not be read or parsed. */
  | "MANIFEST_READ_FAILED";

/** Fields of an {@link ApplyError} besides the base ones. */
export interface ApplyErrorOptions extends CdErrorOptions<ApplyErrorCode> {
  /** HTTP status of the API server's answer, when there was one. */
  readonly status?: number;
  /** `Status.reason` of the API server's answer (`NotFound`, `Conflict`, `Invalid`, …). */
  readonly reason?: string;
  /** The object the error is about, as `Kind/namespace/name`. */
  readonly subject?: string;
  /** What was done before the failure (applied or deleted objects), for renderers. */
  readonly changeSet?: ChangeSet;
  /** The health of each waited-for object, for `HEALTH_CHECK_FAILED`. */
  readonly health?: HealthReport;
}

/** An error of the apply layer; `code` is stable, `status`/`reason` come from the API server. */
export class ApplyError extends CdError<ApplyErrorCode> {
  readonly status: number | undefined;
  readonly reason: string | undefined;
  readonly subject: string | undefined;
  readonly changeSet: ChangeSet | undefined;
  readonly health: HealthReport | undefined;

  constructor(opts: ApplyErrorOptions) {
    super(opts);
    this.status = opts.status;
    this.reason = opts.reason;
    this.subject = opts.subject;
    this.changeSet = opts.changeSet;
    this.health = opts.health;
  }
}

/** True when `err` is an API answer with this HTTP status. */
export function hasStatus(err: unknown, status: number): err is ApplyError {
  return err instanceof ApplyError && err.status === status;
}
