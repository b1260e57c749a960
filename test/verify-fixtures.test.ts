// SPDX-License-Identifier: Apache-2.0
// Real cosign signatures from the conformance corpus (containers/image fixtures, cosign's referrer bundle) stored
// the way cosign stores them, in an OCI image layout, and verified through the `ocisync verify` command: keyless on
// public-good material with the shipped trusted root, keys, and bring-your-own PKI.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { MediaType, sha256Of, type Descriptor } from "../src/core/index.ts";
import { LayoutRepository } from "../src/oci/index.ts";
import { signatureTag } from "../src/verify/index.ts";
import { ocisync } from "./support/cli.ts";
import { attachBundle, corpusFile, pushBundleSubject } from "./support/sigstore-fixtures.ts";

const FIX = "cosign-legacy/fixtures/";
const MAGIC = "\0sigstore-json\n";

/** Stores a containers/image `dir:` image (manifest + signature-N files) as an image and its `.sig` manifest. */
async function storeImage(repo: LayoutRepository, dir: string, tag: string): Promise<Descriptor> {
  const manifest = corpusFile(`${FIX}${dir}/manifest.json`);
  const mt =
    (JSON.parse(manifest.toString("utf8")) as { mediaType?: string }).mediaType ?? MediaType.dockerManifest;
  const subject = await repo.pushManifest(manifest, mt, tag);
  const layers: Descriptor[] = [];
  for (let i = 1; ; i++) {
    let raw: Buffer;
    try {
      raw = corpusFile(`${FIX}${dir}/signature-${String(i)}`);
    } catch {
      break;
    }
    const j = JSON.parse(raw.subarray(MAGIC.length).toString("utf8")) as {
      mimeType: string;
      payload: string;
      annotations: Record<string, string>;
    };
    const payload = Buffer.from(j.payload, "base64");
    const desc: Descriptor = {
      mediaType: j.mimeType,
      digest: sha256Of(payload),
      size: payload.byteLength,
      annotations: j.annotations,
    };
    await repo.pushBlob(desc, payload);
    layers.push(desc);
  }
  const config = Buffer.from(
    JSON.stringify({
      architecture: "",
      os: "",
      config: {},
      rootfs: { type: "layers", diff_ids: layers.map((l) => l.digest) },
    }),
  );
  const configDesc: Descriptor = {
    mediaType: "application/vnd.oci.image.config.v1+json",
    digest: sha256Of(config),
    size: config.byteLength,
  };
  await repo.pushBlob(configDesc, config);
  await repo.pushManifest(
    Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: MediaType.ociManifest, config: configDesc, layers }),
    ),
    MediaType.ociManifest,
    signatureTag(subject.digest),
  );
  return subject;
}

describe("real cosign signatures in an OCI layout, through ocisync verify", () => {
  let dir: string;
  const layout = (name: string) => join(dir, name);
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ocisync-verify-fixtures-"));
    await storeImage(new LayoutRepository(layout("fulcio")), "dir-img-cosign-fulcio-rekor-valid", "1.0.0");
    await storeImage(new LayoutRepository(layout("key")), "dir-img-cosign-valid", "1.0.0");
    await storeImage(new LayoutRepository(layout("pki")), "dir-img-cosign-pki-valid", "1.0.0");
    const bundleRepo = new LayoutRepository(layout("bundle"));
    await attachBundle(
      bundleRepo,
      await pushBundleSubject(bundleRepo, "1.0.0"),
      corpusFile("cosign-oci-bundle/oci-attestation.sigstore.json"),
    );
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const fix = (f: string) =>
    new URL(`../../shared/conformance/sigstore/${FIX}${f}`, import.meta.url).pathname;
  const cases: { name: string; args: () => string[]; code: number; stderr?: RegExp }[] = [
    {
      name: "public-good keyless (2023, Fulcio + Rekor SET) with the shipped trusted root",
      args: () => [
        "--certificate-identity-regexp",
        "^mitr@redhat\\.com$",
        "--certificate-oidc-issuer-regexp",
        "^https://github\\.com/login/oauth$",
        `oci-layout://${layout("fulcio")}:1.0.0`,
      ],
      code: 0,
    },
    {
      name: "public-good keyless, another subject",
      args: () => [
        "--certificate-identity-regexp",
        "^someone@example\\.com$",
        "--certificate-oidc-issuer-regexp",
        "github",
        `oci-layout://${layout("fulcio")}:1.0.0`,
      ],
      code: 3,
      stderr: /\[SUBJECT_MISMATCH\]\n$/,
    },
    {
      name: "key signature with cosign.pub",
      args: () => ["--key", fix("cosign.pub"), `oci-layout://${layout("key")}:1.0.0`],
      code: 0,
    },
    {
      name: "key signature with two keys, the right one second",
      args: () => [
        "--key",
        fix("cosign2.pub"),
        "--key",
        fix("cosign.pub"),
        `oci-layout://${layout("key")}:1.0.0`,
      ],
      code: 0,
    },
    {
      name: "key signature with the wrong key",
      args: () => ["--key", fix("cosign2.pub"), `oci-layout://${layout("key")}:1.0.0`],
      code: 3,
      stderr: /\[SIGNATURE_INVALID\]\n$/,
    },
    {
      name: "bring-your-own PKI: --certificate-chain + --insecure-ignore-tlog",
      args: () => [
        "--certificate-chain",
        fix("pki-chain"),
        "--insecure-ignore-tlog",
        "--certificate-identity-regexp",
        "^qiwan@redhat\\.com$",
        "--certificate-oidc-issuer-regexp",
        "",
        `oci-layout://${layout("pki")}:1.0.0`,
      ],
      code: 0,
    },
    {
      name: "bring-your-own PKI without the chain: not trusted",
      args: () => [
        "--insecure-ignore-tlog",
        "--certificate-identity-regexp",
        "qiwan",
        "--certificate-oidc-issuer-regexp",
        "",
        `oci-layout://${layout("pki")}:1.0.0`,
      ],
      code: 3,
      stderr: /\[CERTIFICATE_UNTRUSTED\]\n$/,
    },
    {
      name: "cosign's referrer bundle is an attestation, not a signature",
      args: () => [
        "--trusted-root",
        new URL("../../shared/conformance/sigstore/cosign-oci-bundle/trusted_root_pgi.json", import.meta.url)
          .pathname,
        "--certificate-identity-regexp",
        ".*",
        "--certificate-oidc-issuer-regexp",
        ".*",
        `oci-layout://${layout("bundle")}:1.0.0`,
      ],
      code: 3,
      stderr: /\[INVALID_PAYLOAD\]\n$/,
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const r = await ocisync(["verify", ...c.args()]);
      assert.equal(r.code, c.code, r.stderr);
      if (c.stderr !== undefined) assert.match(r.stderr, c.stderr);
    });
  }
});
