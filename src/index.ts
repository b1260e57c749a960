// SPDX-License-Identifier: Apache-2.0
/** ocisync's typed API: the same layers the CLI uses. */
export * from "./core/index.ts";
export * from "./oci/index.ts";
