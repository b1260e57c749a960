// SPDX-License-Identifier: Apache-2.0
// Pushing the small Flux-shaped fixture artifacts of src/testing into a repository (registry or layout).
import type { Descriptor } from "../../src/core/index.ts";
import type { Repository } from "../../src/oci/index.ts";
import type { ArtifactFixture } from "../../src/testing/index.ts";

/** Pushes a fixture's config, layer and manifest (tagged when `tag` is given); returns the manifest descriptor. */
export async function pushFixture(repo: Repository, fx: ArtifactFixture, tag?: string): Promise<Descriptor> {
  await repo.pushBlob(fx.config.desc, fx.config.bytes);
  await repo.pushBlob(fx.layer.desc, fx.layer.bytes);
  return repo.pushManifest(fx.manifest.bytes, fx.manifest.desc.mediaType, tag);
}
