// SPDX-License-Identifier: Apache-2.0
/**
 * Flux artifact metadata: the `org.opencontainers.image.*` annotations (fluxcd/pkg `oci.Metadata`), the config
 * blob and manifest bytes as go-containerregistry serialises them (Go `encoding/json`: struct field order,
 * sorted map keys, `<>&` escaped), so the same inputs give the same digests as `flux push artifact`.
 * https://github.com/fluxcd/pkg/blob/main/oci/meta.go
 */
import { MediaType, type Descriptor, type Digest } from "../core/index.ts";
import { ArtifactError } from "./errors.ts";

/** `org.opencontainers.image.created` (RFC 3339). */
export const CREATED_ANNOTATION = "org.opencontainers.image.created";
/** `org.opencontainers.image.source`: where the content came from (a Git URL). */
export const SOURCE_ANNOTATION = "org.opencontainers.image.source";
/** `org.opencontainers.image.revision`: e.g. `main@sha1:<commit>`. */
export const REVISION_ANNOTATION = "org.opencontainers.image.revision";
/** What `--reproducible` pins `created` to (Flux: the Unix epoch). */
export const REPRODUCIBLE_CREATED = "1970-01-01T00:00:00Z";

/** What a push records about its content. */
export interface ArtifactMetadata {
  readonly source?: string | undefined;
  readonly revision?: string | undefined;
  /** RFC 3339; default now (second precision, UTC) or the epoch with `reproducible`. */
  readonly created?: string | undefined;
  /** Extra annotations; they override the three above on the same key, as in Flux. */
  readonly annotations?: Readonly<Record<string, string>> | undefined;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * Parses `--annotation k=v` flags. The key must be non-empty; the value runs from the first `=` to the end
 * (Flux rejects values containing `=`; ocisync keeps them).
 * @throws ArtifactError `INVALID_ANNOTATION`
 */
export function parseAnnotations(flags: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of flags) {
    const eq = f.indexOf("=");
    if (eq <= 0)
      throw new ArtifactError({
        code: "INVALID_ANNOTATION",
        message: `invalid annotation ${JSON.stringify(f)}, must be in the format key=value`,
      });
    out[f.slice(0, eq)] = f.slice(eq + 1);
  }
  return out;
}

/** `time.Now().UTC().Format(time.RFC3339)`: second precision, `Z`. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * The manifest annotations (`Metadata.ToAnnotations`): created, source, revision, then the extras.
 * @throws ArtifactError `INVALID_ANNOTATION` when the resulting `created` is not RFC 3339
 */
export function artifactAnnotations(meta: ArtifactMetadata, created: string): Record<string, string> {
  const out: Record<string, string> = { [CREATED_ANNOTATION]: created };
  if (meta.source !== undefined) out[SOURCE_ANNOTATION] = meta.source;
  if (meta.revision !== undefined) out[REVISION_ANNOTATION] = meta.revision;
  Object.assign(out, meta.annotations ?? {});
  const c = out[CREATED_ANNOTATION] ?? "";
  if (!RFC3339.test(c) || Number.isNaN(Date.parse(c))) {
    throw new ArtifactError({
      code: "INVALID_ANNOTATION",
      message: `invalid created timestamp ${JSON.stringify(c)}: want RFC 3339`,
    });
  }
  return out;
}

/** A JSON string as Go's encoding/json writes it (HTML-safe escapes, U+2028/9 escaped). */
function goString(s: string): string {
  return JSON.stringify(s)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

function goMap(m: Readonly<Record<string, string>>): string {
  const keys = Object.keys(m).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return `{${keys.map((k) => `${goString(k)}:${goString(m[k] ?? "")}`).join(",")}}`;
}

function goDescriptor(d: Descriptor): string {
  const ann =
    d.annotations !== undefined && Object.keys(d.annotations).length > 0
      ? `,"annotations":${goMap(d.annotations)}`
      : "";
  return `{"mediaType":${goString(d.mediaType)},"size":${d.size},"digest":${goString(d.digest)}${ann}}`;
}

/**
 * The config blob `flux push artifact` (v2.9.5, fluxcd/pkg oci) uploads, byte for byte: go-containerregistry
 * serialises the empty image's `ConfigFile` before the `created` time and the layer's diff ID reach it, so it
 * is the same 115 bytes for every artifact (observed against the real flux CLI; test/artifact-interop.test.ts
 * asserts it). Consumers never read it.
 */
export const FLUX_CONFIG_BYTES: Uint8Array = Buffer.from(
  '{"architecture":"","created":"0001-01-01T00:00:00Z","os":"","rootfs":{"type":"layers","diff_ids":null},"config":{}}',
);

/** The config blob of a Flux artifact ({@link FLUX_CONFIG_BYTES}). */
export function configBytes(): Uint8Array {
  return FLUX_CONFIG_BYTES;
}

/** An OCI image manifest as go-containerregistry serialises it (no `artifactType`, no subject). */
export function manifestBytes(
  config: Descriptor,
  layers: readonly Descriptor[],
  annotations: Readonly<Record<string, string>>,
): Uint8Array {
  const ann = Object.keys(annotations).length > 0 ? `,"annotations":${goMap(annotations)}` : "";
  return Buffer.from(
    `{"schemaVersion":2,"mediaType":${goString(MediaType.ociManifest)},"config":${goDescriptor(config)},"layers":[${layers.map(goDescriptor).join(",")}]${ann}}`,
  );
}

/**
 * The revision string Flux's OCIRepository reports: `<tag>@<digest>`, or the bare digest when pulled by
 * digest (https://fluxcd.io/flux/components/source/ocirepositories/#artifact).
 */
export function fluxRevision(tag: string | undefined, digest: Digest): string {
  return tag === undefined ? digest : `${tag}@${digest}`;
}
