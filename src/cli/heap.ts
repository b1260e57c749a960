// SPDX-License-Identifier: Apache-2.0
import { setFlagsFromString } from "node:v8";

/**
 * Keeps V8's young generation at its initial size for the CLI process. Streamed blobs go through Node as many
 * short-lived buffers held by few JavaScript objects, so a young generation that has grown (V8 doubles it when
 * objects survive) fills slowly and the dead buffers wait: pull's peak memory then rose with the artifact (85 MB
 * at 50 MiB, 107 MB at 500 MiB, 112 MB at 2 GiB). Kept at its start size, the scavenger frees them every few
 * megabytes: 80 and 91 MB (docs/adr/0008-cli-young-generation.md). `semi_space_growth_factor` is read each
 * time V8 considers growing the space, so setting it at run time takes effect.
 */
export function keepYoungGenerationSmall(): void {
  setFlagsFromString("--semi-space-growth-factor=1");
}
