// SPDX-License-Identifier: Apache-2.0
import type { Digest } from "../core/index.ts";
import type { Repository } from "../oci/index.ts";
import { discoverSignatures, type DiscoverOptions } from "./discover.ts";
import type { VerifiedSignature, VerifyPolicy } from "./policy.ts";
import { verifyCandidates } from "./signatures.ts";

/** A verified artifact: its digest and the signature that verified. */
export interface VerifiedArtifact {
  readonly digest: Digest;
  readonly signature: VerifiedSignature;
}

/**
 * Resolves `reference` (tag or digest) to a digest once, then discovers and verifies signatures for exactly that
 * digest (callers pull by the returned digest: no TOCTOU between verify and pull). Throws a `VerifyError`: `UNSIGNED`
 * when nothing was found, else the most specific reason, with every failure and the formats found.
 */
export async function verifyArtifact(
  repo: Repository,
  reference: string,
  policy: VerifyPolicy,
  opts: DiscoverOptions = {},
): Promise<VerifiedArtifact> {
  const desc = await repo.resolve(reference, { signal: opts.signal });
  const candidates = await discoverSignatures(repo, desc.digest, opts);
  const signature = await verifyCandidates(
    `${repo.name}@${desc.digest}`,
    candidates,
    { digest: desc.digest },
    policy,
  );
  return { digest: desc.digest, signature };
}
