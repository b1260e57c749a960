// SPDX-License-Identifier: Apache-2.0
// HTTP_PROXY / HTTPS_PROXY / NO_PROXY as a process, as Go peers honour them: `ocisync` against the real registry
// through a real forward proxy. The registry is addressed by a name only the proxy can resolve, so a command
// that succeeds went through the proxy.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ocisync } from "./support/cli.ts";
import { startForwardProxy, type ForwardProxy } from "./support/forward-proxy.ts";
import { freePort, LOOPBACK } from "./support/ports.ts";
import { startRegistry, type TestRegistry } from "./support/registry.ts";

const NAME = "registry.ocisync.test";
const SECRET = "s3cr3t-proxy-pw";

describe("registry requests through HTTP(S)_PROXY (process)", { concurrency: true }, () => {
  let reg: TestRegistry;
  let home: string;
  let host: string; // registry.ocisync.test:PORT
  const proxies: ForwardProxy[] = [];
  /** A proxy of the test's own (the tests run concurrently; several wait out the client's retries). */
  const proxied = async () => {
    const proxy = await startForwardProxy({
      hosts: { [NAME]: LOOPBACK },
      credentials: `proxyuser:${SECRET}`,
    });
    proxies.push(proxy);
    return { proxy, url: proxy.url.replace("http://", `http://proxyuser:${SECRET}@`) };
  };
  before(async () => {
    reg = await startRegistry();
    host = `${NAME}:${reg.host.split(":")[1] ?? ""}`;
    home = await mkdtemp(join(tmpdir(), "ocisync-proxy-"));
    await mkdir(join(home, "v1"));
    await writeFile(join(home, "v1", "app.yaml"), "kind: ConfigMap\n");
    const pushed = await ocisync([
      "push",
      "--plain-http",
      join(home, "v1"),
      `oci://${reg.host}/team/app:1.0.0`,
    ]);
    assert.equal(pushed.code, 0, pushed.stderr);
  });
  after(async () => {
    await Promise.all(proxies.map((p) => p.stop()));
    await reg.stop();
    await rm(home, { recursive: true, force: true });
  });

  test("HTTP_PROXY with credentials carries push, tags and pull", async () => {
    const { proxy, url: proxyUrl } = await proxied();
    const env = { HTTP_PROXY: proxyUrl };
    const url = `oci://${host}/team/app:2.0.0`;
    const src = join(home, "v2");
    await mkdir(src);
    await writeFile(join(src, "app.yaml"), "kind: Secret\n"); // new blobs: uploaded through the proxy
    const pushed = await ocisync(["push", "--plain-http", "--verbose", src, url], { env });
    assert.equal(pushed.code, 0, pushed.stderr);
    const tags = await ocisync(["tags", "--plain-http", `oci://${host}/team/app`], { env });
    assert.equal(tags.code, 0, tags.stderr);
    assert.deepEqual(tags.stdout.split("\n").filter(Boolean).sort(), ["1.0.0", "2.0.0"]);
    const out = join(home, "out");
    const pulled = await ocisync(["pull", "--plain-http", url, "--output-dir", out], { env });
    assert.equal(pulled.code, 0, pulled.stderr);
    assert.equal(await readFile(join(out, "app.yaml"), "utf8"), "kind: Secret\n");

    const seen = proxy.requests;
    assert.ok(seen.length > 0);
    assert.ok(seen.every((r) => r.kind === "forward" && r.target === host && r.refused === 0));
    for (const m of ["POST", "PUT", "HEAD", "GET"]) {
      assert.ok(
        seen.some((r) => r.method === m && r.path.startsWith("/v2/team/app/")),
        `${m} went through the proxy`,
      );
    }
    assert.doesNotMatch(pushed.stderr, new RegExp(SECRET));
  });

  test("lower-case http_proxy works too", async () => {
    const { proxy, url } = await proxied();
    const r = await ocisync(["tags", "--plain-http", `oci://${host}/team/app`], { env: { http_proxy: url } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^1\.0\.0$/m);
    assert.ok(proxy.requests.length > 0);
  });

  test("NO_PROXY bypasses the proxy (the name then does not resolve)", async () => {
    const { proxy, url } = await proxied();
    const r = await ocisync(["tags", "--plain-http", `oci://${host}/team/app`], {
      env: { HTTP_PROXY: url, NO_PROXY: ".ocisync.test" },
    });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /ENOTFOUND|EAI_AGAIN/);
    assert.deepEqual(proxy.requests, []);
  });

  test("loopback registries stay direct, as in Go", async () => {
    const { proxy, url } = await proxied();
    const r = await ocisync(["tags", "--plain-http", `oci://${reg.host}/team/app`], {
      env: { HTTP_PROXY: url, HTTPS_PROXY: url },
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^1\.0\.0$/m);
    assert.deepEqual(proxy.requests, []);
  });

  test("HTTPS_PROXY tunnels https with CONNECT", async () => {
    const { proxy, url } = await proxied();
    // The registry speaks plain HTTP, so TLS fails inside the tunnel; the tunnel itself is what is checked.
    const r = await ocisync(["tags", "--verbose", `oci://${host}/team/app`], { env: { HTTPS_PROXY: url } });
    assert.notEqual(r.code, 0);
    assert.ok(proxy.requests.length > 0);
    assert.deepEqual(
      proxy.requests.map((q) => [q.kind, q.target, q.refused]),
      proxy.requests.map(() => ["connect", host, 0]),
    );
    assert.doesNotMatch(r.stderr, new RegExp(SECRET));
  });

  test("proxy credentials never reach the output", async () => {
    const { url } = await proxied();
    const dead = `http://proxyuser:${SECRET}@${LOOPBACK}:${String(await freePort())}`;
    const wrong = url.replace(SECRET, `${SECRET}-wrong`);
    const socksUrl = `socks5://proxyuser:${SECRET}@${LOOPBACK}:1080`;
    const target = `oci://${host}/team/app`;
    const [refused, denied, socks] = await Promise.all([
      ocisync(["tags", "--verbose", "--plain-http", target], { env: { HTTP_PROXY: dead } }),
      ocisync(["tags", "--verbose", target], { env: { HTTPS_PROXY: wrong } }),
      ocisync(["tags", target], { env: { HTTPS_PROXY: socksUrl } }),
    ]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /ECONNREFUSED/);
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /407/);
    assert.equal(socks.code, 2, socks.stderr);
    assert.match(socks.stderr, /HTTPS_PROXY: socks5 proxies are not supported/);
    for (const r of [refused, denied, socks]) {
      assert.doesNotMatch(r.stderr + r.stdout, new RegExp(SECRET));
    }
  });
});
