// SPDX-License-Identifier: Apache-2.0
import { initTUF } from "@sigstore/tuf";
import { VerifyError } from "./errors.ts";
import { parseTrustedRoot } from "./trusted-root.ts";

/** The public-good Sigstore TUF repository; `@sigstore/tuf` ships its initial `root.json`. */
export const PUBLIC_GOOD_TUF_MIRROR = "https://tuf-repo-cdn.sigstore.dev";

/** Where and how to read a TUF repository. */
export interface TufRefreshOptions {
  /** The repository (default {@link PUBLIC_GOOD_TUF_MIRROR}). */
  readonly mirrorUrl?: string;
  /** The trusted initial `root.json`; needed for any repository other than the public-good one. */
  readonly rootPath?: string;
  /** A directory for TUF metadata; start from an empty one so nothing stale is trusted. */
  readonly cachePath: string;
  readonly timeoutMs?: number;
}

/**
 * Fetches `trusted_root.json` through TUF (https://theupdateframework.io): the root, timestamp, snapshot and targets
 * metadata are verified from the initial root onwards, and the target must match the signed length and hash. This is
 * the one place ocisync fetches trust material; verification itself never does (`ocisync trusted-root update`).
 * @returns the target's text, validated as a trusted root
 */
export async function fetchTrustedRootViaTuf(opts: TufRefreshOptions): Promise<string> {
  const mirrorURL = opts.mirrorUrl ?? PUBLIC_GOOD_TUF_MIRROR;
  let text: string;
  try {
    const tuf = await initTUF({
      mirrorURL,
      cachePath: opts.cachePath,
      forceInit: true,
      forceCache: false,
      retry: false,
      ...(opts.rootPath === undefined ? {} : { rootPath: opts.rootPath }),
      ...(opts.timeoutMs === undefined ? {} : { timeout: opts.timeoutMs }),
    });
    text = await tuf.getTarget("trusted_root.json");
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new VerifyError({
      code: "TUF_REFRESH_FAILED",
      message: `TUF repository ${mirrorURL}: ${why}`,
      cause: err,
    });
  }
  parseTrustedRoot(text, `trusted_root.json from ${mirrorURL}`);
  return text;
}
