// SPDX-License-Identifier: Apache-2.0
/**
 * ocisync's typed API: the same layers the CLI uses. The core types and the registry client are exported at the
 * top level; every other layer as a namespace (`import { semver, verify } from "ocisync"`), since layers name
 * some things alike (`Unstructured` in build and apply).
 */
export * from "./core/index.ts";
export * from "./oci/index.ts";
export * as semver from "./semver/index.ts";
export * as artifact from "./artifact/index.ts";
export * as verify from "./verify/index.ts";
export * as build from "./build/index.ts";
export * as apply from "./apply/index.ts";
export * as controller from "./controller/index.ts";
