// SPDX-License-Identifier: Apache-2.0
// Builders of hostile layers for extraction tests: raw USTAR entries of any type and name (no library would
// write most of these), gzip bombs built from repeated gzip members, and helpers to wrap a layer in a Flux
// manifest. Nothing here sanitises: that is the point.
import { gzipSync } from "node:zlib";
import { MediaType, sha256Of, type Descriptor, type ImageManifest } from "../../src/core/index.ts";

/** One raw tar entry. `type` is the USTAR typeflag character. */
export interface RawEntry {
  readonly name: string;
  readonly type?: "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "g" | "V";
  readonly data?: string | Uint8Array;
  readonly linkname?: string;
  readonly mode?: number;
  /** Size written in the header when it must differ from the data (bombs). */
  readonly size?: number;
}

function octal(b: Buffer, off: number, len: number, n: number): void {
  b.write(n.toString(8).padStart(len - 1, "0") + "\0", off, len, "latin1");
}

/** A USTAR header block for `e` (names over 100 bytes are split into prefix/name at a `/`). */
export function rawHeader(e: RawEntry, size: number): Buffer {
  const b = Buffer.alloc(512);
  let name = e.name;
  if (Buffer.byteLength(name) > 100) {
    const i = name.lastIndexOf("/", 155);
    b.write(name.slice(0, i), 345, 155, "utf8");
    name = name.slice(i + 1);
  }
  b.write(name, 0, 100, "utf8");
  octal(b, 100, 8, e.mode ?? (e.type === "5" ? 0o755 : 0o644));
  octal(b, 108, 8, 0);
  octal(b, 116, 8, 0);
  octal(b, 124, 12, size);
  octal(b, 136, 12, 0);
  b.write(e.type ?? "0", 156, 1, "latin1");
  b.write(e.linkname ?? "", 157, 100, "utf8");
  b.write("ustar\x0000", 257, 8, "latin1");
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const c of b) sum += c;
  b.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, 8, "latin1");
  return b;
}

/** An uncompressed tar of `entries` with the two-block trailer. */
export function rawTar(entries: readonly RawEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const data = e.data === undefined ? Buffer.alloc(0) : Buffer.from(e.data);
    parts.push(rawHeader(e, e.size ?? data.length), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** gzip(tar(entries)); `level: 0` makes the size depend on the input size only. */
export function rawTarGz(entries: readonly RawEntry[], level = 6): Buffer {
  return gzipSync(rawTar(entries), { level });
}

/**
 * A gzip bomb: a tar header declaring one file of `members × 64 MiB`, followed by `members` gzip members of
 * 64 MiB of zeros each (about 64 KiB compressed per member). Returns the compressed bytes and the expanded size.
 */
export function gzipBomb(members: number): { bytes: Buffer; expanded: number } {
  const chunk = 64 * 1024 * 1024;
  const zeros = gzipSync(Buffer.alloc(chunk), { level: 9 });
  const header = gzipSync(rawHeader({ name: "bomb.yaml" }, chunk * members));
  return {
    bytes: Buffer.concat([header, ...Array.from({ length: members }, () => zeros)]),
    expanded: chunk * members,
  };
}

/** A Flux-shaped artifact around `layer`: config `{}`, the layer with `layerMediaType`, annotations. */
export function hostileArtifact(
  layer: Uint8Array,
  opts: { layerMediaType?: string; annotations?: Record<string, string>; layers?: number } = {},
): {
  config: { desc: Descriptor; bytes: Uint8Array };
  layer: { desc: Descriptor; bytes: Uint8Array };
  manifest: { desc: Descriptor; bytes: Uint8Array };
} {
  const configBytes = Buffer.from("{}");
  const config: Descriptor = {
    mediaType: MediaType.fluxConfig,
    digest: sha256Of(configBytes),
    size: configBytes.length,
  };
  const layerDesc: Descriptor = {
    mediaType: opts.layerMediaType ?? MediaType.fluxContent,
    digest: sha256Of(layer),
    size: layer.byteLength,
  };
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config,
    layers: Array.from({ length: opts.layers ?? 1 }, () => layerDesc),
    annotations: { "org.opencontainers.image.created": "1970-01-01T00:00:00Z", ...opts.annotations },
  };
  const bytes = Buffer.from(JSON.stringify(manifest));
  return {
    config: { desc: config, bytes: configBytes },
    layer: { desc: layerDesc, bytes: layer },
    manifest: {
      desc: { mediaType: MediaType.ociManifest, digest: sha256Of(bytes), size: bytes.length },
      bytes,
    },
  };
}
