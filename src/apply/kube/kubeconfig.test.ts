// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, suite, test } from "node:test";
import { stringify } from "yaml";
import { ApplyError } from "../errors.ts";
import { loadKubeconfig } from "./kubeconfig.ts";

const config = {
  "current-context": "token",
  clusters: [
    {
      name: "c",
      cluster: {
        server: "https://10.0.0.1:6443",
        "certificate-authority-data": Buffer.from("CA").toString("base64"),
      },
    },
    {
      name: "files",
      cluster: { server: "https://k8s:6443", "certificate-authority": "ca.pem", "tls-server-name": "api" },
    },
    { name: "insecure", cluster: { server: "https://k8s:6443", "insecure-skip-tls-verify": true } },
  ],
  users: [
    { name: "token", user: { token: "abc" } },
    { name: "token-file", user: { tokenFile: "token.txt" } },
    { name: "basic", user: { username: "u", password: "p" } },
    {
      name: "cert",
      user: { "client-certificate": "cert.pem", "client-key-data": Buffer.from("KEY").toString("base64") },
    },
  ],
  contexts: [
    { name: "token", context: { cluster: "c", user: "token", namespace: "apps" } },
    { name: "token-file", context: { cluster: "files", user: "token-file" } },
    { name: "basic", context: { cluster: "insecure", user: "basic" } },
    { name: "cert", context: { cluster: "c", user: "cert" } },
    { name: "dangling", context: { cluster: "nope", user: "token" } },
  ],
};

suite("loadKubeconfig", () => {
  let dir: string;
  let path: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ocisync-kubeconfig-"));
    path = join(dir, "config");
    await writeFile(path, stringify(config));
    await writeFile(join(dir, "token.txt"), "from-file\n");
    await writeFile(join(dir, "ca.pem"), "CAFILE");
    await writeFile(join(dir, "cert.pem"), "CERT");
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const cases = [
    {
      name: "current context: bearer token, CA data, namespace",
      context: undefined,
      want: {
        server: "https://10.0.0.1:6443",
        namespace: "apps",
        ca: "CA",
        headers: { Authorization: "Bearer abc" },
        insecure: false,
      },
    },
    {
      name: "token file and CA file relative to the kubeconfig",
      context: "token-file",
      want: {
        server: "https://k8s:6443",
        namespace: undefined,
        ca: "CAFILE",
        headers: { Authorization: "Bearer from-file" },
        insecure: false,
      },
    },
    {
      name: "basic auth, insecure",
      context: "basic",
      want: {
        server: "https://k8s:6443",
        namespace: undefined,
        ca: undefined,
        headers: { Authorization: "Basic dTpw" },
        insecure: true,
      },
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const got = await loadKubeconfig(path, c.context);
      assert.deepEqual(
        {
          server: got.server,
          namespace: got.namespace,
          ca: got.ca?.toString(),
          headers: got.headers,
          insecure: got.insecureSkipTlsVerify,
        },
        c.want,
      );
    });
  }

  test("client certificate from a file and key from data", async () => {
    const got = await loadKubeconfig(path, "cert");
    assert.deepEqual([got.cert?.toString(), got.key?.toString()], ["CERT", "KEY"]);
  });

  const bad = [
    { name: "unknown context", context: "nope", message: `kubeconfig PATH: context "nope" not found` },
    {
      name: "context naming a missing cluster",
      context: "dangling",
      message: `kubeconfig PATH: cluster "nope" not found`,
    },
  ];
  for (const c of bad) {
    test(`INVALID_KUBECONFIG: ${c.name}`, async () => {
      await assert.rejects(loadKubeconfig(path, c.context), (e: unknown) => {
        assert.ok(e instanceof ApplyError);
        assert.equal(e.code, "INVALID_KUBECONFIG");
        assert.equal(e.message, c.message.replace("PATH", path));
        return true;
      });
    });
  }

  test("a missing file is INVALID_KUBECONFIG", async () => {
    await assert.rejects(loadKubeconfig(join(dir, "missing")), { code: "INVALID_KUBECONFIG" });
  });
});
