// SPDX-License-Identifier: Apache-2.0
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { MediaType, type Descriptor, type ImageIndex } from "../../core/index.ts";
import { OciError } from "../errors.ts";

/** The annotation that names a tag in an image layout's `index.json` (image-spec annotations.md). */
export const REF_NAME = "org.opencontainers.image.ref.name";

/** Reads `DIR/index.json`, checking `DIR/oci-layout` first (https://github.com/opencontainers/image-spec/blob/main/image-layout.md). */
export async function readLayoutIndex(dir: string, cap: number): Promise<ImageIndex> {
  await readMarker(dir);
  const text = await readText(join(dir, "index.json"), cap, dir);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new OciError({ code: "LAYOUT_ERROR", message: `${dir}/index.json is not JSON` });
  }
  const manifests = (body as { manifests?: unknown } | null)?.manifests ?? [];
  if (!Array.isArray(manifests))
    throw new OciError({ code: "LAYOUT_ERROR", message: `${dir}/index.json has no manifests array` });
  return { ...(body as ImageIndex), manifests: manifests as Descriptor[] };
}

async function readMarker(dir: string): Promise<void> {
  const text = await readText(join(dir, "oci-layout"), 4096, dir).catch((err: unknown) => {
    if (err instanceof OciError && err.code === "NOT_FOUND") {
      throw new OciError({
        code: "LAYOUT_ERROR",
        message: `${dir} is not an OCI image layout (no oci-layout file)`,
      });
    }
    throw err;
  });
  const version = (JSON.parse(text) as { imageLayoutVersion?: unknown } | null)?.imageLayoutVersion;
  if (typeof version !== "string" || !version.startsWith("1.")) {
    throw new OciError({
      code: "LAYOUT_ERROR",
      message: `${dir}/oci-layout has unsupported imageLayoutVersion ${JSON.stringify(version)}`,
    });
  }
}

async function readText(file: string, cap: number, dir: string): Promise<string> {
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new OciError({
      code: code === "ENOENT" ? "NOT_FOUND" : "LAYOUT_ERROR",
      message: `cannot read ${file} in layout ${dir}`,
      cause: err,
    });
  }
  if (buf.byteLength > cap)
    throw new OciError({ code: "SIZE_EXCEEDED", message: `${file} is larger than its cap of ${cap} bytes` });
  return buf.toString("utf8");
}

/** Creates `DIR/oci-layout` and an empty `index.json` unless the layout exists. */
export async function initLayout(dir: string): Promise<void> {
  await mkdir(join(dir, "blobs"), { recursive: true });
  const marker = join(dir, "oci-layout");
  await writeFile(marker, JSON.stringify({ imageLayoutVersion: "1.0.0" }), { flag: "wx" }).catch(
    (err: unknown) => {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    },
  );
  const index = { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [] };
  await writeFile(join(dir, "index.json"), JSON.stringify(index), { flag: "wx" }).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  });
}

/** Replaces `index.json` atomically (temp file, then rename). */
export async function writeLayoutIndex(dir: string, index: ImageIndex): Promise<void> {
  const tmp = join(dir, `.index.json.${randomBytes(6).toString("hex")}`);
  await writeFile(tmp, JSON.stringify(index));
  await rename(tmp, join(dir, "index.json"));
}

/**
 * Returns a new index where `desc` is recorded: under `tag` (replacing that tag's previous entry, one
 * descriptor per tag as oras-go and skopeo write), or untagged when the digest is not listed yet.
 */
export function withEntry(index: ImageIndex, desc: Descriptor, tag: string | undefined): ImageIndex {
  const plain: Descriptor = { mediaType: desc.mediaType, digest: desc.digest, size: desc.size };
  if (tag === undefined) {
    if (index.manifests.some((d) => d.digest === desc.digest)) return index;
    return { ...index, manifests: [...index.manifests, plain] };
  }
  const kept = index.manifests.filter(
    (d) =>
      d.annotations?.[REF_NAME] !== tag &&
      !(d.digest === desc.digest && d.annotations?.[REF_NAME] === undefined),
  );
  return { ...index, manifests: [...kept, { ...plain, annotations: { [REF_NAME]: tag } }] };
}
