// SPDX-License-Identifier: Apache-2.0
/**
 * `node:http` and `node:https`, loaded with `require` rather than `import`: an ES import of node:http reads every
 * export, and its lazy `WebSocket` getter loads undici, about 12 MB of peak memory for nothing. node:https (and
 * with it TLS) is loaded only when first asked for.
 */
import type * as Http from "node:http";
import type * as Https from "node:https";
import { createRequire } from "node:module";

const load = createRequire(import.meta.url);
let http: typeof Http | undefined;
let https: typeof Https | undefined;

/** The `node:http` module. */
export function nodeHttp(): typeof Http {
  return (http ??= load("node:http") as typeof Http);
}

/** The `node:https` module. */
export function nodeHttps(): typeof Https {
  return (https ??= load("node:https") as typeof Https);
}
