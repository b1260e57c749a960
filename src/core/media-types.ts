// SPDX-License-Identifier: Apache-2.0
/**
 * Media types ocisync reads and writes (https://github.com/opencontainers/image-spec/blob/main/media-types.md,
 * Flux: https://fluxcd.io/flux/cheatsheets/oci-artifacts/).
 */
export const MediaType = {
  ociManifest: "application/vnd.oci.image.manifest.v1+json",
  ociIndex: "application/vnd.oci.image.index.v1+json",
  ociEmpty: "application/vnd.oci.empty.v1+json",
  ociLayout: "application/vnd.oci.layout.header.v1+json",
  dockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  dockerManifestList: "application/vnd.docker.distribution.manifest.list.v2+json",
  fluxConfig: "application/vnd.cncf.flux.config.v1+json",
  fluxContent: "application/vnd.cncf.flux.content.v1.tar+gzip",
} as const;

/** Manifest media types the client accepts, in preference order (never schema1). */
export const MANIFEST_ACCEPT: readonly string[] = [
  MediaType.ociManifest,
  MediaType.ociIndex,
  MediaType.dockerManifest,
  MediaType.dockerManifestList,
];

/** True for the index / manifest-list media types. */
export function isIndexMediaType(mt: string): boolean {
  return mt === MediaType.ociIndex || mt === MediaType.dockerManifestList;
}

/** True for every manifest media type the client accepts. */
export function isManifestMediaType(mt: string): boolean {
  return MANIFEST_ACCEPT.includes(mt);
}
