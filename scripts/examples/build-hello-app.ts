// SPDX-License-Identifier: Apache-2.0
// Builds examples/hello-app/layout: an OCI image layout holding a sample tenant app as Flux-format
// artifacts at several versions, for the README's quick start. Run: node scripts/examples/build-hello-app.ts
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { MediaType, sha256Of, type Descriptor } from "../../src/core/index.ts";
import { LayoutRepository } from "../../src/oci/index.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const OUT = join(ROOT, "examples/hello-app/layout");
const CREATED = "2026-11-01T00:00:00Z";
/** Tags, in push order, and the app version each one carries. */
const TAGS: readonly (readonly [string, string])[] = [
  ["0.9.0", "0.9.0"],
  ["1.0.0", "1.0.0"],
  ["v1.1.0", "1.1.0"],
  ["1.1.1", "1.1.1"],
  ["1.2.0-rc.1", "1.2.0-rc.1"],
  ["1.3", "1.3.0"],
  ["main-4f2a91c", "1.2.0-dev"],
  ["latest", "1.1.1"],
];

function manifestsFor(version: string): Record<string, string> {
  const template = readFileSync(join(ROOT, "examples/hello-app/src/app.yaml"), "utf8");
  return { "app.yaml": template.replaceAll("${APP_VERSION}", version) };
}

/** A gzipped tarball of `files`, with zeroed owners and times (system tar until src/artifact packs). */
function tarball(files: Record<string, string>): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), "hello-app-"));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const tar = execFileSync("tar", [
      "--sort=name",
      "--owner=0",
      "--group=0",
      "--numeric-owner",
      "--mtime=@0",
      "-C",
      dir,
      "-cf",
      "-",
      ".",
    ]);
    return new Uint8Array(execFileSync("gzip", ["-n", "-9"], { input: tar }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function blob(mediaType: string, bytes: Uint8Array): { desc: Descriptor; bytes: Uint8Array } {
  return { desc: { mediaType, digest: sha256Of(bytes), size: bytes.byteLength }, bytes };
}

async function main(): Promise<void> {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const layout = new LayoutRepository(OUT);
  const enc = new TextEncoder();
  for (const [tag, version] of TAGS) {
    const config = blob(MediaType.fluxConfig, enc.encode(JSON.stringify({ created: CREATED })));
    const layer = blob(MediaType.fluxContent, tarball(manifestsFor(version)));
    const manifest = {
      schemaVersion: 2,
      mediaType: MediaType.ociManifest,
      config: config.desc,
      layers: [layer.desc],
      annotations: {
        "org.opencontainers.image.created": CREATED,
        "org.opencontainers.image.source": "https://github.com/example/hello-app",
        "org.opencontainers.image.revision": `${version}@sha1:${sha256Of(version).slice(7, 47)}`,
      },
    };
    await layout.pushBlob(config.desc, config.bytes);
    await layout.pushBlob(layer.desc, layer.bytes);
    await layout.pushManifest(enc.encode(JSON.stringify(manifest)), MediaType.ociManifest, tag);
  }
  process.stdout.write(`wrote ${OUT}\n`);
}

await main();
