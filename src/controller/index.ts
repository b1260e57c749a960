// SPDX-License-Identifier: Apache-2.0
/** Flux API types and the reconcile pipeline that `ocisync sync` runs (and the controller will). */
export * from "./api/index.ts";
export { orderByDependencies } from "./sync/order.ts";
export { SyncError } from "./sync/errors.ts";
export type { SyncErrorCode } from "./sync/errors.ts";
export { fetchSource } from "./sync/source.ts";
export type { FetchedSource, SourceDeps, SourceVerdict } from "./sync/source.ts";
export { OWNER_NAME_LABEL, OWNER_NAMESPACE_LABEL, runSync } from "./sync/run.ts";
export type { AppReport, SyncDeps, SyncOptions } from "./sync/run.ts";
