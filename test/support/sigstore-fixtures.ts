// SPDX-License-Identifier: Apache-2.0
// Signed material for integration tests: the public-good cosign referrer bundle from the conformance corpus and
// helpers to push artifacts, bundles and legacy signatures into the real registry.
import { readFileSync } from "node:fs";
import { MediaType, sha256Of, type Descriptor } from "../../src/core/index.ts";
import type { Repository } from "../../src/oci/index.ts";
import { artifactBytes } from "../../src/testing/index.ts";

const CORPUS = new URL("../../../shared/conformance/sigstore/", import.meta.url);
/** A file of the sigstore conformance corpus. */
export const corpusFile = (p: string): Buffer => readFileSync(new URL(p, CORPUS));

/** Pushes a small Flux-shaped artifact and returns its manifest descriptor. */
export async function pushArtifact(repo: Repository, content: string, tag: string): Promise<Descriptor> {
  const fx = artifactBytes(content);
  await repo.pushBlob(fx.config.desc, fx.config.bytes);
  await repo.pushBlob(fx.layer.desc, fx.layer.bytes);
  return repo.pushManifest(fx.manifest.bytes, fx.manifest.desc.mediaType, tag);
}

/** Pushes the image cosign's test attached its public-good bundle to (go-containerregistry's empty image). */
export async function pushBundleSubject(repo: Repository, tag: string): Promise<Descriptor> {
  const config = corpusFile("cosign-oci-bundle/subject-image/config.json");
  const manifest = corpusFile("cosign-oci-bundle/subject-image/manifest.json");
  const mt =
    (JSON.parse(manifest.toString("utf8")) as { mediaType?: string }).mediaType ?? MediaType.dockerManifest;
  const cfgType = (JSON.parse(manifest.toString("utf8")) as { config: { mediaType: string } }).config
    .mediaType;
  await repo.pushBlob({ mediaType: cfgType, digest: sha256Of(config), size: config.byteLength }, config);
  return repo.pushManifest(manifest, mt, tag);
}

/** Attaches bundle JSON bytes to `subject` as cosign v3 does (referrer manifest; the fallback index follows). */
export async function attachBundle(
  repo: Repository,
  subject: Descriptor,
  bundle: Uint8Array,
): Promise<Descriptor> {
  const bundleType = "application/vnd.dev.sigstore.bundle.v0.3+json";
  const empty = Buffer.from("{}");
  const config: Descriptor = { mediaType: MediaType.ociEmpty, digest: sha256Of(empty), size: 2 };
  const layer: Descriptor = { mediaType: bundleType, digest: sha256Of(bundle), size: bundle.byteLength };
  await repo.pushBlob(config, empty);
  await repo.pushBlob(layer, bundle);
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    artifactType: bundleType,
    config,
    layers: [layer],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
  };
  return repo.pushManifest(Buffer.from(JSON.stringify(manifest)), MediaType.ociManifest);
}
