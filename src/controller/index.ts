// SPDX-License-Identifier: Apache-2.0
/** Flux API types and the reconcile pipeline that `ocisync sync` runs (and the controller will). */
export * from "./api/index.ts";
export { orderByDependencies } from "./sync/order.ts";
