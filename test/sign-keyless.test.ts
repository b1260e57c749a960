// SPDX-License-Identifier: Apache-2.0
// Keyless signing against a local Fulcio + Rekor (real HTTP on loopback, test CA and log), verified by ocisync with
// the stack's trusted root passed in, and by the real cosign; identity policy outcomes through the CLI.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { OciClient, parseTarget } from "../src/oci/index.ts";
import { ocisync } from "./support/cli.ts";
import { PEER_BUILD_TIMEOUT_MS, peerPath } from "./support/peers.ts";
import { startRegistry, type TestRegistry } from "./support/registry.ts";
import { pushArtifact } from "./support/sigstore-fixtures.ts";
import { startSigstoreStack, type SigstoreStack } from "./support/sigstore-local.ts";

const SUBJECT = "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main";
const ISSUER = "https://token.actions.githubusercontent.com";

describe("keyless signing and verification with a local Sigstore", { timeout: PEER_BUILD_TIMEOUT_MS }, () => {
  let reg: TestRegistry;
  let stack: SigstoreStack;
  let dir: string;
  let root: string;
  let cosign: string;
  const cosignRun = (args: string[], env: Record<string, string> = {}) =>
    new Promise<{ code: number; stderr: string }>((done) => {
      execFile(
        cosign,
        args,
        { env: { PATH: process.env.PATH ?? "", HOME: dir, ...env }, timeout: 120_000 },
        (err, _out, stderr) => {
          done({ code: err === null ? 0 : 1, stderr });
        },
      );
    });
  before(async () => {
    [reg, stack, cosign] = await Promise.all([startRegistry(), startSigstoreStack(), peerPath("cosign")]);
    dir = await mkdtemp(join(tmpdir(), "ocisync-keyless-"));
    root = join(dir, "trusted_root.json");
    await writeFile(root, stack.trustedRootJson);
  });
  after(async () => {
    await Promise.all([reg.stop(), stack.stop()]);
    await rm(dir, { recursive: true, force: true });
  });

  for (const format of ["bundle", "legacy"] as const) {
    test(`ocisync sign --keyless (${format}): identity policy outcomes, and cosign verifies it`, async () => {
      const repo = new OciClient({ plainHttp: true }).repository(
        parseTarget(`oci://${reg.host}/keyless/${format}`),
      );
      const subject = await pushArtifact(repo, `keyless ${format}`, "1.0.0");
      const url = `oci://${repo.name}:1.0.0`;
      const token = stack.identityToken(SUBJECT, ISSUER);
      const signed = await ocisync([
        "sign",
        "--plain-http",
        "--keyless",
        ...(format === "legacy" ? ["--legacy"] : []),
        "--fulcio-url",
        stack.url,
        "--rekor-url",
        stack.url,
        "--identity-token",
        token,
        url,
      ]);
      assert.equal(signed.code, 0, signed.stderr);

      const verify = (...flags: string[]) =>
        ocisync(["verify", "--plain-http", "--trusted-root", root, ...flags, url]);
      const ok = await verify(
        "-o",
        "json",
        "--certificate-identity-regexp",
        "^https://github\\.com/acme/",
        "--certificate-oidc-issuer-regexp",
        "^https://token\\.actions\\.githubusercontent\\.com$",
      );
      assert.equal(ok.code, 0, ok.stderr);
      const out = JSON.parse(ok.stdout) as {
        format: string;
        identity: { issuer: string; subject: string };
        tlog: { logIndex: string };
      };
      assert.equal(out.format, format);
      assert.deepEqual(
        { issuer: out.identity.issuer, subject: out.identity.subject },
        { issuer: ISSUER, subject: SUBJECT },
      );
      assert.match(out.tlog.logIndex, /^\d+$/);

      const cases = [
        {
          flags: [
            "--certificate-identity-regexp",
            "^https://github\\.com/other/",
            "--certificate-oidc-issuer-regexp",
            "githubusercontent",
          ],
          code: 3,
          want: /\[SUBJECT_MISMATCH\]\n$/,
        },
        {
          flags: [
            "--certificate-identity-regexp",
            "acme",
            "--certificate-oidc-issuer-regexp",
            "^https://accounts\\.google\\.com$",
          ],
          code: 3,
          want: /\[ISSUER_MISMATCH\]\n$/,
        },
        // Several identities are OR-ed: the second one matches.
        {
          flags: [
            "--certificate-identity-regexp",
            "^nobody$",
            "--certificate-oidc-issuer-regexp",
            "google",
            "--certificate-identity-regexp",
            "acme/app",
            "--certificate-oidc-issuer-regexp",
            "githubusercontent",
          ],
          code: 0,
          want: /^$/,
        },
        { flags: [], code: 0, want: /^warning: no --certificate-identity-regexp/ },
      ];
      for (const c of cases) {
        const r = await verify(...c.flags);
        assert.equal(r.code, c.code, r.stderr);
        assert.match(r.stderr, c.want);
      }
      const untrusted = await ocisync([
        "verify",
        "--plain-http",
        "--certificate-identity-regexp",
        "acme",
        "--certificate-oidc-issuer-regexp",
        "github",
        url,
      ]);
      assert.equal(untrusted.code, 3);
      assert.match(untrusted.stderr, /\[CERTIFICATE_UNTRUSTED\]\n$/);

      const c = await cosignRun([
        "verify",
        "--trusted-root",
        root,
        "--certificate-identity-regexp",
        "acme",
        "--certificate-oidc-issuer-regexp",
        "githubusercontent",
        ...(format === "legacy" ? ["--new-bundle-format=false"] : []),
        "--allow-http-registry",
        `${repo.name}@${subject.digest}`,
      ]);
      assert.equal(c.code, 0, c.stderr);
    });
  }

  for (const format of ["bundle", "legacy"] as const) {
    test(`ocisync sign --key --tlog-upload (${format}): --require-tlog checks the entry; cosign verifies with its log`, async () => {
      const env = { COSIGN_PASSWORD: "tlog" };
      const prefix = `tlog-${format}`;
      const gen = await ocisync(["generate-key-pair", "--output-key-prefix", prefix], { cwd: dir, env });
      assert.equal(gen.code, 0, gen.stderr);
      const repo = new OciClient({ plainHttp: true }).repository(
        parseTarget(`oci://${reg.host}/keyed-tlog/${format}`),
      );
      const subject = await pushArtifact(repo, `keyed tlog ${format}`, "1.0.0");
      const url = `oci://${repo.name}:1.0.0`;
      const key = join(dir, `${prefix}.key`);
      const pub = join(dir, `${prefix}.pub`);
      const legacy = format === "legacy" ? ["--legacy"] : [];
      const signed = await ocisync(
        ["sign", "--plain-http", "--key", key, "--tlog-upload", "--rekor-url", stack.url, ...legacy, url],
        { env },
      );
      assert.equal(signed.code, 0, signed.stderr);
      const ok = await ocisync([
        "verify",
        "--plain-http",
        "-o",
        "json",
        "--key",
        pub,
        "--require-tlog",
        "--trusted-root",
        root,
        url,
      ]);
      assert.equal(ok.code, 0, ok.stderr);
      assert.match((JSON.parse(ok.stdout) as { tlog: { logIndex: string } }).tlog.logIndex, /^\d+$/);
      // The public-good root does not know the local log.
      const other = await ocisync(["verify", "--plain-http", "--key", pub, "--require-tlog", url]);
      assert.equal(other.code, 3);
      assert.match(other.stderr, /\[TLOG_MISMATCH\]\n$/);
      const c = await cosignRun([
        "verify",
        "--key",
        pub,
        "--trusted-root",
        root,
        ...(format === "legacy" ? ["--new-bundle-format=false"] : []),
        "--allow-http-registry",
        `${repo.name}@${subject.digest}`,
      ]);
      assert.equal(c.code, 0, c.stderr);
    });
  }

  for (const format of ["bundle", "legacy"] as const) {
    test(`cosign sign (${format}), keyless and with --key + Rekor, on the local stack → ocisync verify`, async () => {
      const tokenFile = join(dir, `token-${format}`);
      await writeFile(tokenFile, stack.identityToken(SUBJECT, ISSUER));
      const legacy = format === "legacy" ? ["--new-bundle-format=false"] : [];
      const common = [
        "--rekor-url",
        stack.url,
        "--use-signing-config=false",
        "--trusted-root",
        root,
        ...legacy,
        "--allow-http-registry",
        "-y",
      ];
      const client = new OciClient({ plainHttp: true });

      const keyless = client.repository(parseTarget(`oci://${reg.host}/from-cosign-keyless/${format}`));
      const s1 = await pushArtifact(keyless, `cosign keyless ${format}`, "1.0.0");
      const signed = await cosignRun([
        "sign",
        "--fulcio-url",
        stack.url,
        "--identity-token",
        tokenFile,
        ...common,
        `${keyless.name}@${s1.digest}`,
      ]);
      assert.equal(signed.code, 0, signed.stderr);
      const ok = await ocisync([
        "verify",
        "--plain-http",
        "-o",
        "json",
        "--trusted-root",
        root,
        "--certificate-identity-regexp",
        "^https://github\\.com/acme/",
        "--certificate-oidc-issuer-regexp",
        "githubusercontent",
        `oci://${keyless.name}:1.0.0`,
      ]);
      assert.equal(ok.code, 0, ok.stderr);
      assert.equal((JSON.parse(ok.stdout) as { format: string }).format, format);
      const wrong = await ocisync([
        "verify",
        "--plain-http",
        "--trusted-root",
        root,
        "--certificate-identity-regexp",
        "^https://github\\.com/evil/",
        "--certificate-oidc-issuer-regexp",
        "githubusercontent",
        `oci://${keyless.name}:1.0.0`,
      ]);
      assert.equal(wrong.code, 3);
      assert.match(wrong.stderr, /\[SUBJECT_MISMATCH\]\n$/);

      const keyed = client.repository(parseTarget(`oci://${reg.host}/from-cosign-key-rekor/${format}`));
      const s2 = await pushArtifact(keyed, `cosign key rekor ${format}`, "1.0.0");
      const prefix = join(dir, `cosign-rekor-${format}`);
      assert.equal(
        (await cosignRun(["generate-key-pair", "--output-key-prefix", prefix], { COSIGN_PASSWORD: "p" }))
          .code,
        0,
      );
      const signedKey = await cosignRun(
        ["sign", "--key", `${prefix}.key`, ...common, `${keyed.name}@${s2.digest}`],
        { COSIGN_PASSWORD: "p" },
      );
      assert.equal(signedKey.code, 0, signedKey.stderr);
      const okKey = await ocisync([
        "verify",
        "--plain-http",
        "-o",
        "json",
        "--key",
        `${prefix}.pub`,
        "--require-tlog",
        "--trusted-root",
        root,
        `oci://${keyed.name}:1.0.0`,
      ]);
      assert.equal(okKey.code, 0, okKey.stderr);
      assert.match((JSON.parse(okKey.stdout) as { tlog: { logIndex: string } }).tlog.logIndex, /^\d+$/);
    });
  }
});
