// SPDX-License-Identifier: Apache-2.0
import { MediaType, sha256Of, type Descriptor } from "../core/index.ts";

/** A small Flux-shaped artifact: config, one layer, and the manifest bytes that reference them. */
export interface ArtifactFixture {
  readonly config: { readonly desc: Descriptor; readonly bytes: Uint8Array };
  readonly layer: { readonly desc: Descriptor; readonly bytes: Uint8Array };
  readonly manifest: { readonly desc: Descriptor; readonly bytes: Uint8Array };
}

function blob(mediaType: string, bytes: Uint8Array): { desc: Descriptor; bytes: Uint8Array } {
  return { desc: { mediaType, digest: sha256Of(bytes), size: bytes.byteLength }, bytes };
}

/**
 * Builds the blobs and manifest of a Flux-format artifact whose layer holds `content` (not a real tarball:
 * registries do not look inside layers). `extra` adds manifest fields such as `subject` or `annotations`.
 */
export function artifactBytes(content: string, extra: Record<string, unknown> = {}): ArtifactFixture {
  const enc = new TextEncoder();
  const config = blob(MediaType.fluxConfig, enc.encode(JSON.stringify({ created: "2026-01-01T00:00:00Z" })));
  const layer = blob(MediaType.fluxContent, enc.encode(content));
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: config.desc,
    layers: [layer.desc],
    annotations: { "org.opencontainers.image.created": "2026-01-01T00:00:00Z" },
    ...extra,
  };
  return { config, layer, manifest: blob(MediaType.ociManifest, enc.encode(JSON.stringify(manifest))) };
}
