// SPDX-License-Identifier: Apache-2.0
// `copy` with signatures and referrers: registry → OCI layout → another registry repository, and
// registry → registry on the same host (blob mounts), against the real docker-registry (issue 5).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { copyArtifact, pullArtifact, pushArtifact } from "../src/artifact/index.ts";
import { main, type CliIo } from "../src/cli/index.ts";
import { digestHex, type Descriptor } from "../src/core/index.ts";
import { OciClient, parseTarget, type Repository } from "../src/oci/index.ts";
import { artifactBytes, type ArtifactFixture } from "../src/testing/index.ts";
import { PEER_BUILD_TIMEOUT_MS, peerPath } from "./support/peers.ts";
import { startRegistry, type TestRegistry } from "./support/registry.ts";

let reg: TestRegistry;
let work: string;
before(async () => {
  reg = await startRegistry({ auth: "anonymous" });
  work = await mkdtemp(join(tmpdir(), "ocisync-copy-it-"));
});
after(async () => {
  await reg.stop();
  await rm(work, { recursive: true, force: true });
});

const client = () => new OciClient({ plainHttp: true });
const open = (url: string): Repository => client().repository(parseTarget(url));

async function pushFixture(repo: Repository, fx: ArtifactFixture, tag?: string): Promise<Descriptor> {
  await repo.pushBlob(fx.config.desc, fx.config.bytes);
  await repo.pushBlob(fx.layer.desc, fx.layer.bytes);
  return repo.pushManifest(fx.manifest.bytes, fx.manifest.desc.mediaType, tag);
}

/** An artifact with a legacy `.sig` tag and a sigstore-bundle referrer, as cosign leaves them. */
async function signedArtifact(
  repo: Repository,
): Promise<{ subject: Descriptor; sigTag: string; bundle: Descriptor }> {
  const src = join(work, "src");
  await mkdir(join(src, "deploy"), { recursive: true });
  await writeFile(join(src, "deploy/app.yaml"), "kind: Deployment\n");
  const pushed = await pushArtifact(repo, src, "1.0.0", {
    source: "git",
    revision: "main@sha1:1",
    reproducible: true,
  });
  const sigTag = `sha256-${digestHex(pushed.digest)}.sig`;
  await pushFixture(repo, artifactBytes("legacy signature payload"), sigTag);
  const bundle = await pushFixture(
    repo,
    artifactBytes("bundle", {
      artifactType: "application/vnd.dev.sigstore.bundle.v0.3+json",
      subject: pushed.manifest,
    }),
  );
  return { subject: pushed.manifest, sigTag, bundle };
}

describe("copy (real registry and OCI layouts)", () => {
  test("registry → layout → registry: digest, tags, .sig tag and referrers survive", async () => {
    const a = open(`oci://${reg.host}/src/app`);
    const { subject, sigTag, bundle } = await signedArtifact(a);
    const layoutDir = join(work, "layout");
    const layout = open(`oci-layout://${layoutDir}`);
    const r1 = await copyArtifact(a, "1.0.0", layout, "1.0.0");
    assert.equal(r1.digest, subject.digest);
    assert.deepEqual(r1.signatureTags, [sigTag]);
    assert.deepEqual(r1.referrers, [bundle.digest]);
    assert.deepEqual(
      (await layout.tags()).filter((t) => !t.startsWith("sha256-") || t.endsWith(".sig")).sort(),
      ["1.0.0", sigTag],
    );
    assert.deepEqual(
      (await layout.referrers(subject.digest)).map((d) => d.digest),
      [bundle.digest],
    );

    const b = open(`oci://${reg.host}/dst/app`);
    const r2 = await copyArtifact(layout, "1.0.0", b, "1.0.0");
    assert.equal(r2.digest, subject.digest);
    assert.ok((await b.tags()).includes(sigTag));
    assert.deepEqual(
      (await b.referrers(subject.digest)).map((d) => d.digest),
      [bundle.digest],
    );
    const out = join(work, "pulled");
    const pulled = await pullArtifact(b, { tag: "1.0.0" }, out);
    assert.equal(pulled.digest, subject.digest);
    assert.equal(await readFile(join(out, "deploy/app.yaml"), "utf8"), "kind: Deployment\n");

    const again = await copyArtifact(layout, "1.0.0", b, "1.0.0");
    assert.equal(again.blobsCopied, 0, "blobs already at the destination are not sent again");
  });

  test("CLI copy on the same registry mounts blobs; -o json", async () => {
    const a = open(`oci://${reg.host}/mount/src`);
    const { subject } = await signedArtifact(a);
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = {
      stdout: { write: (s: string) => out.push(s) },
      stderr: { write: (s: string) => err.push(s) },
      env: { DOCKER_CONFIG: work },
      cwd: work,
      homedir: work,
    };
    const code = await main(
      [
        "--plain-http",
        "-o",
        "json",
        "copy",
        `oci://${reg.host}/mount/src:1.0.0`,
        `oci://${reg.host}/mount/dst`,
      ],
      io,
    );
    assert.equal(code, 0, err.join(""));
    const j = JSON.parse(out.join("")) as {
      digest: string;
      tag: string;
      signatureTags: string[];
      referrers: string[];
      blobsCopied: number;
    };
    assert.equal(j.digest, subject.digest);
    assert.equal(j.tag, "1.0.0");
    assert.equal(j.signatureTags.length, 1);
    assert.equal(j.referrers.length, 1);
    assert.equal((await open(`oci://${reg.host}/mount/dst`).resolve("1.0.0")).digest, subject.digest);
  });

  test(
    "real cosign signatures (bundle referrer and legacy .sig) survive registry → layout → registry; cosign verifies the copy",
    { timeout: PEER_BUILD_TIMEOUT_MS },
    async () => {
      const cosign = await peerPath("cosign");
      const home = join(work, "cosign-home");
      await mkdir(home, { recursive: true });
      const env = { ...process.env, HOME: home, COSIGN_PASSWORD: "copy test", SIGSTORE_NO_CACHE: "1" };
      const run = (args: string[]) =>
        new Promise<string>((resolve, reject) => {
          execFile(cosign, args, { env, cwd: home }, (err, stdout, stderr) => {
            if (err) reject(new Error(`cosign ${args[0] ?? ""}: ${stderr}`, { cause: err }));
            else resolve(stdout);
          });
        });
      await run(["generate-key-pair", "--output-key-prefix", join(home, "cosign")]);
      const src = open(`oci://${reg.host}/cosigned/src`);
      const tree = join(work, "cosigned-tree");
      await mkdir(tree, { recursive: true });
      await writeFile(join(tree, "app.yaml"), "kind: ConfigMap\n");
      const pushed = await pushArtifact(src, tree, "1.0.0", { reproducible: true });
      const subject = `${reg.host}/cosigned/src@${pushed.digest}`;
      const signArgs = [
        "sign",
        "--key",
        join(home, "cosign.key"),
        "--tlog-upload=false",
        "--use-signing-config=false",
        "--allow-http-registry",
        "-y",
      ];
      await run([...signArgs, subject]);
      await run([...signArgs, "--new-bundle-format=false", subject]);

      const layout = open(`oci-layout://${join(work, "cosigned-layout")}`);
      const toLayout = await copyArtifact(src, "1.0.0", layout, "1.0.0");
      assert.deepEqual(toLayout.signatureTags, [`sha256-${digestHex(pushed.digest)}.sig`]);
      assert.equal(toLayout.referrers.length, 1, "the bundle referrer");
      const dst = open(`oci://${reg.host}/cosigned/dst`);
      await copyArtifact(layout, "1.0.0", dst, "1.0.0");

      const verifyArgs = [
        "verify",
        "--key",
        join(home, "cosign.pub"),
        "--insecure-ignore-tlog",
        "--allow-http-registry",
      ];
      const copied = `${reg.host}/cosigned/dst@${pushed.digest}`;
      assert.match(await run([...verifyArgs, copied]), new RegExp(pushed.digest));
      assert.match(
        await run([...verifyArgs, "--new-bundle-format=false", copied]),
        new RegExp(pushed.digest),
      );
    },
  );
});
