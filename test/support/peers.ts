// SPDX-License-Identifier: Apache-2.0
// The pinned peer programs for interop tests and benchmarks (built by scripts/peers, cached outside Git).
//   const cosign = await peerPath("cosign");
export {
  ensurePeer as peerPath,
  getPin,
  peerNames,
  versionOutput,
  versionShown,
} from "../../scripts/peers/peers.ts";
export type { Pin } from "../../scripts/peers/peers.ts";

/** Long enough for a cold build of a peer on a 2-core machine. */
export const PEER_BUILD_TIMEOUT_MS = 60 * 60 * 1000;
