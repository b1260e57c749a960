// SPDX-License-Identifier: Apache-2.0
// `ocisync push --sign-key`: push, then sign what was pushed, in both formats; the real cosign verifies it.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ocisync } from "./support/cli.ts";
import { PEER_BUILD_TIMEOUT_MS, peerPath } from "./support/peers.ts";
import { startRegistry, type TestRegistry } from "./support/registry.ts";
import { startSigstoreStack } from "./support/sigstore-local.ts";

function cosignVerify(cosign: string, args: readonly string[], env: Record<string, string>): Promise<number> {
  return new Promise((done) => {
    execFile(cosign, ["verify", ...args], { env }, (err) => {
      done(err === null ? 0 : typeof err.code === "number" ? err.code : 1);
    });
  });
}

describe("ocisync push --sign-key", { timeout: PEER_BUILD_TIMEOUT_MS }, () => {
  let reg: TestRegistry;
  let home: string;
  let cosign: string;
  const env = () => ({ HOME: home, COSIGN_PASSWORD: "pw" });
  before(
    async () => {
      cosign = await peerPath("cosign");
      reg = await startRegistry();
      home = await mkdtemp(join(tmpdir(), "ocisync-push-sign-"));
      assert.equal((await ocisync(["generate-key-pair"], { env: env(), cwd: home })).code, 0);
      await writeFile(join(home, "app.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n");
    },
    { timeout: PEER_BUILD_TIMEOUT_MS },
  );
  after(async () => {
    await reg.stop();
    await rm(home, { recursive: true, force: true });
  });

  for (const f of [
    { format: "bundle", push: [], cosign: [] },
    { format: "legacy", push: ["--sign-legacy"], cosign: ["--new-bundle-format=false"] },
  ]) {
    test(`signs what it pushed (${f.format}); ocisync verify and cosign verify accept it`, async () => {
      const url = `oci://${reg.host}/signed/${f.format}:1.0.0`;
      const r = await ocisync(
        ["push", "-o", "json", "--plain-http", home, url, "--sign-key", join(home, "cosign.key"), ...f.push],
        { env: env() },
      );
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { digest: string; signature: { format: string } };
      assert.equal(out.signature.format, f.format);
      const v = await ocisync(["verify", "--plain-http", url, "--key", join(home, "cosign.pub")], {
        env: env(),
      });
      assert.equal(v.code, 0, v.stderr);
      const ref = `${reg.host}/signed/${f.format}@${out.digest}`;
      const args = [
        "--key",
        join(home, "cosign.pub"),
        "--insecure-ignore-tlog",
        ...f.cosign,
        "--allow-http-registry",
        ref,
      ];
      assert.equal(await cosignVerify(cosign, args, env()), 0);
    });
  }

  test("--sign-keyless signs through Fulcio and Rekor; verify checks the identity", async () => {
    const stack = await startSigstoreStack();
    try {
      await writeFile(join(home, "trusted_root.json"), stack.trustedRootJson);
      const url = `oci://${reg.host}/signed/keyless:1.0.0`;
      const subject = "https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.0.0";
      const issuer = "https://token.actions.githubusercontent.com";
      const token = stack.identityToken(subject, issuer);
      const keyless = [
        "--sign-keyless",
        "--fulcio-url",
        stack.url,
        "--rekor-url",
        stack.url,
        "--identity-token",
        token,
      ];
      const r = await ocisync(["push", "-o", "json", "--plain-http", home, url, ...keyless], { env: env() });
      assert.equal(r.code, 0, r.stderr);
      const verify = (re: string) =>
        ocisync([
          "verify",
          "--plain-http",
          "--trusted-root",
          join(home, "trusted_root.json"),
          url,
          "--certificate-identity-regexp",
          re,
          "--certificate-oidc-issuer-regexp",
          "^https://token\\.actions\\.githubusercontent\\.com$",
        ]);
      const ok = await verify("^https://github\\.com/acme/app/");
      assert.equal(ok.code, 0, ok.stderr);
      const wrong = await verify("^https://github\\.com/evil/");
      assert.equal(wrong.code, 3);
      assert.match(wrong.stderr, /SUBJECT_MISMATCH/);
    } finally {
      await stack.stop();
    }
  });

  test("a wrong key password pushes nothing", async () => {
    const url = `oci://${reg.host}/signed/nothing:1.0.0`;
    const r = await ocisync(["push", "--plain-http", home, url, "--sign-key", join(home, "cosign.key")], {
      env: { HOME: home, COSIGN_PASSWORD: "wrong" },
    });
    assert.equal(r.code, 2, r.stderr);
    const tags = await ocisync(["tags", "--plain-http", `oci://${reg.host}/signed/nothing`]);
    assert.match(tags.stderr, /NOT_FOUND/);
  });
});
