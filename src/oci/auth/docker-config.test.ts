// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { OciError } from "../errors.ts";
import { chainCredentials, staticCredentials } from "./credentials.ts";
import type { Credential } from "./credentials.ts";
import { dockerConfigCredentials, loadDockerConfig, runCredentialHelper } from "./docker-config.ts";
import type { CredentialHelperRunner } from "./docker-config.ts";
import { kubeSecretCredentials } from "./kube-secret.ts";

const b64 = (s: string) => Buffer.from(s).toString("base64");
const basic = (username: string, password: string): Credential => ({ kind: "basic", username, password });

describe("docker config lookups", () => {
  const config = {
    auths: {
      "https://index.docker.io/v1/": { auth: b64("hubuser:hub:pass") },
      "ghcr.io": { auth: b64("gh:token") },
      "https://registry.example.com:5000/v2/": { username: "u", password: "p" },
      "id.example": { auth: b64("me:"), identitytoken: "refresh-me" },
      "tok.example": { registrytoken: "bearer-xyz" },
      "ghcr.io.evil.example": { auth: b64("evil:evil") },
    },
    credHelpers: { "helped.example": "fake" },
  };
  const calls: string[] = [];
  const runHelper: CredentialHelperRunner = (helper, url) => {
    calls.push(`${helper} ${url}`);
    return Promise.resolve(url === "helped.example" ? basic("helper-user", "helper-secret") : undefined);
  };
  const provider = dockerConfigCredentials(config, { runHelper });
  const cases: { name: string; registry: string; want: Credential | undefined }[] = [
    {
      name: "Hub under its v1 URL, password with a colon",
      registry: "docker.io",
      want: basic("hubuser", "hub:pass"),
    },
    { name: "Hub alias", registry: "index.docker.io", want: basic("hubuser", "hub:pass") },
    { name: "plain host key", registry: "ghcr.io", want: basic("gh", "token") },
    {
      name: "scheme, port and path stripped from the key",
      registry: "registry.example.com:5000",
      want: basic("u", "p"),
    },
    {
      name: "identity token",
      registry: "id.example",
      want: { kind: "identity-token", token: "refresh-me", username: "me" },
    },
    {
      name: "registry token",
      registry: "tok.example",
      want: { kind: "registry-token", token: "bearer-xyz" },
    },
    { name: "credHelpers win", registry: "helped.example", want: basic("helper-user", "helper-secret") },
    { name: "no substring matches", registry: "evil.example", want: undefined },
    { name: "unknown registry is anonymous", registry: "quay.io", want: undefined },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      assert.deepEqual(await provider.get(c.registry), c.want);
    });
  }
  test("credsStore is asked before auths, with Hub's server URL", async () => {
    calls.length = 0;
    const p = dockerConfigCredentials({ credsStore: "desktop", auths: config.auths }, { runHelper });
    assert.deepEqual(await p.get("docker.io"), basic("hubuser", "hub:pass"));
    assert.deepEqual(calls, ["desktop https://index.docker.io/v1/"]);
  });
});

describe("credential helper protocol (a real executable on PATH)", () => {
  let dir: string;
  let oldPath: string | undefined;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ocisync-cred-"));
    const script = `#!/bin/sh
read url
case "$url" in
  good.example) echo '{"ServerURL":"good.example","Username":"alice","Secret":"s3cret"}' ;;
  token.example) echo '{"ServerURL":"token.example","Username":"<token>","Secret":"refresh"}' ;;
  broken.example) echo 'not json' ;;
  *) echo "credentials not found in native keychain"; exit 1 ;;
esac
`;
    await writeFile(join(dir, "docker-credential-test"), script);
    await chmod(join(dir, "docker-credential-test"), 0o755);
    oldPath = process.env.PATH;
    process.env.PATH = `${dir}:${oldPath ?? ""}`;
  });
  after(async () => {
    process.env.PATH = oldPath;
    await rm(dir, { recursive: true, force: true });
  });
  test("get returns the credential", async () => {
    assert.deepEqual(await runCredentialHelper("test", "good.example"), basic("alice", "s3cret"));
  });
  test("<token> username means an identity token", async () => {
    assert.deepEqual(await runCredentialHelper("test", "token.example"), {
      kind: "identity-token",
      token: "refresh",
    });
  });
  test("credentials not found is anonymous, not an error", async () => {
    assert.equal(await runCredentialHelper("test", "other.example"), undefined);
  });
  test("malformed output and a missing helper are CREDENTIALS_ERROR without secrets", async () => {
    await assert.rejects(
      runCredentialHelper("test", "broken.example"),
      (e: unknown) => e instanceof OciError && e.code === "CREDENTIALS_ERROR",
    );
    await assert.rejects(
      runCredentialHelper("nope-not-installed", "x"),
      (e: unknown) => e instanceof OciError && /not found on PATH/.test(e.message),
    );
  });
});

describe("loading and Kubernetes Secrets", () => {
  test("a missing config.json is empty; a broken one names the file, not its content", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ocisync-cfg-"));
    try {
      assert.deepEqual(await loadDockerConfig(dir), {});
      await writeFile(join(dir, "config.json"), '{"auths": {"x": {"auth": "c2VjcmV0"}} oops');
      await assert.rejects(
        loadDockerConfig(dir),
        (e: unknown) =>
          e instanceof OciError && e.message.includes("config.json") && !e.message.includes("c2VjcmV0"),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
  test("kubernetes.io/dockerconfigjson", async () => {
    const secret = {
      type: "kubernetes.io/dockerconfigjson",
      metadata: { name: "regcred", namespace: "apps" },
      data: { ".dockerconfigjson": b64(JSON.stringify({ auths: { "ghcr.io": { auth: b64("bot:pat") } } })) },
    };
    assert.deepEqual(await kubeSecretCredentials(secret).get("ghcr.io"), basic("bot", "pat"));
  });
  test("legacy kubernetes.io/dockercfg", async () => {
    const secret = {
      type: "kubernetes.io/dockercfg",
      stringData: { ".dockercfg": JSON.stringify({ "https://index.docker.io/v1/": { auth: b64("a:b") } }) },
    };
    assert.deepEqual(await kubeSecretCredentials(secret).get("docker.io"), basic("a", "b"));
  });
  test("a Secret without either key is CREDENTIALS_ERROR naming it", () => {
    assert.throws(
      () => kubeSecretCredentials({ type: "Opaque", metadata: { name: "x", namespace: "y" }, data: {} }),
      /Secret y\/x has neither/,
    );
  });
  test("--creds applies to its registry only; chains stop at the first hit", async () => {
    const p = chainCredentials(
      staticCredentials("ghcr.io", basic("flag", "pw")),
      staticCredentials("ghcr.io", basic("later", "x")),
    );
    assert.deepEqual(await p.get("ghcr.io"), basic("flag", "pw"));
    assert.equal(await p.get("docker.io"), undefined);
  });
});
