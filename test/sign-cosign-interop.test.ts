// SPDX-License-Identifier: Apache-2.0
// Interop with the real cosign (built from its Go module, pinned): what cosign signs, ocisync verifies, and what
// ocisync signs, cosign verifies — in both the bundle (cosign v3 default) and the legacy `.sig` formats.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { OciClient, parseTarget } from "../src/oci/index.ts";
import { ocisync } from "./support/cli.ts";
import { PEER_BUILD_TIMEOUT_MS, peerPath } from "./support/peers.ts";
import { startRegistry, type TestRegistry } from "./support/registry.ts";
import { pushArtifact } from "./support/sigstore-fixtures.ts";

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(bin: string, args: readonly string[], env: Record<string, string>): Promise<Run> {
  return new Promise((done) => {
    execFile(
      bin,
      args,
      { env: { PATH: process.env.PATH ?? "", ...env }, timeout: 120_000 },
      (err, stdout, stderr) => {
        done({ code: err === null ? 0 : typeof err.code === "number" ? err.code : 1, stdout, stderr });
      },
    );
  });
}

describe("cosign interop", { timeout: PEER_BUILD_TIMEOUT_MS }, () => {
  let reg: TestRegistry;
  let cosign: string;
  let home: string;
  const env = () => ({ HOME: home, COSIGN_PASSWORD: "correct horse", SIGSTORE_NO_CACHE: "1" });
  const repoOf = (name: string) =>
    new OciClient({ plainHttp: true }).repository(parseTarget(`oci://${reg.host}/${name}`));
  before(async () => {
    [reg, cosign] = await Promise.all([startRegistry(), peerPath("cosign")]);
    home = await mkdtemp(join(tmpdir(), "ocisync-cosign-"));
    const gen = await run(cosign, ["generate-key-pair", "--output-key-prefix", join(home, "cosign")], env());
    assert.equal(gen.code, 0, gen.stderr);
    const own = await ocisync(["generate-key-pair", "--output-key-prefix", "ocisync"], {
      cwd: home,
      env: env(),
    });
    assert.equal(own.code, 0, own.stderr);
  });
  after(async () => {
    await reg.stop();
    await rm(home, { recursive: true, force: true });
  });

  const formats = [
    { format: "bundle", cosignSign: [], cosignVerify: [], ocisyncSign: [] },
    {
      format: "legacy",
      cosignSign: ["--new-bundle-format=false"],
      cosignVerify: ["--new-bundle-format=false"],
      ocisyncSign: ["--legacy"],
    },
  ] as const;

  for (const f of formats) {
    test(`cosign sign --key (${f.format}) → ocisync verify --key`, async () => {
      const repo = repoOf(`from-cosign/${f.format}`);
      const subject = await pushArtifact(repo, `cosign ${f.format}`, "1.0.0");
      const signed = await run(
        cosign,
        [
          "sign",
          "--key",
          join(home, "cosign.key"),
          "--tlog-upload=false",
          "--use-signing-config=false",
          ...f.cosignSign,
          "--allow-http-registry",
          "-y",
          `${repo.name}@${subject.digest}`,
        ],
        env(),
      );
      assert.equal(signed.code, 0, signed.stderr);
      const ok = await ocisync([
        "verify",
        "--plain-http",
        "-o",
        "json",
        "--key",
        join(home, "cosign.pub"),
        `oci://${repo.name}:1.0.0`,
      ]);
      assert.equal(ok.code, 0, ok.stderr);
      const out = JSON.parse(ok.stdout) as { format: string; digest: string };
      assert.equal(out.format, f.format);
      assert.equal(out.digest, subject.digest);
      const wrong = await ocisync([
        "verify",
        "--plain-http",
        "--key",
        join(home, "ocisync.pub"),
        `oci://${repo.name}:1.0.0`,
      ]);
      assert.equal(wrong.code, 3);
      assert.match(wrong.stderr, /\[SIGNATURE_INVALID\]\n$/);
    });

    test(`ocisync sign --key (${f.format}) → cosign verify --key`, async () => {
      const repo = repoOf(`from-ocisync/${f.format}`);
      const subject = await pushArtifact(repo, `ocisync ${f.format}`, "1.0.0");
      const signed = await ocisync(
        [
          "sign",
          "--plain-http",
          "--key",
          join(home, "ocisync.key"),
          ...f.ocisyncSign,
          `oci://${repo.name}:1.0.0`,
        ],
        { env: env() },
      );
      assert.equal(signed.code, 0, signed.stderr);
      const ok = await run(
        cosign,
        [
          "verify",
          "--key",
          join(home, "ocisync.pub"),
          "--insecure-ignore-tlog",
          ...f.cosignVerify,
          "--allow-http-registry",
          `${repo.name}@${subject.digest}`,
        ],
        env(),
      );
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(ok.stdout, new RegExp(subject.digest));
      const wrong = await run(
        cosign,
        [
          "verify",
          "--key",
          join(home, "cosign.pub"),
          "--insecure-ignore-tlog",
          ...f.cosignVerify,
          "--allow-http-registry",
          `${repo.name}@${subject.digest}`,
        ],
        env(),
      );
      assert.notEqual(wrong.code, 0);
    });
  }

  test("ocisync sign with the key cosign generated; the wrong password is refused", async () => {
    const repo = repoOf("cross-keys/app");
    await pushArtifact(repo, "cross", "1.0.0");
    const bad = await ocisync(
      ["sign", "--plain-http", "--key", join(home, "cosign.key"), `oci://${repo.name}:1.0.0`],
      { env: { COSIGN_PASSWORD: "wrong" } },
    );
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /wrong password.*\[WRONG_PASSWORD\]/);
    const signed = await ocisync(
      ["sign", "--plain-http", "--key", join(home, "cosign.key"), `oci://${repo.name}:1.0.0`],
      { env: env() },
    );
    assert.equal(signed.code, 0, signed.stderr);
    const ok = await ocisync([
      "verify",
      "--plain-http",
      "--key",
      join(home, "ocisync.pub"),
      "--key",
      join(home, "cosign.pub"),
      `oci://${repo.name}:1.0.0`,
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /format: {3}sigstore bundle \(referrer\)/);
  });
});
