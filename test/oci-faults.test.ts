// SPDX-License-Identifier: Apache-2.0
// Failure handling of the registry client: the real registry behind the fault-injecting proxy.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { DEFAULT_LIMITS } from "../src/core/index.ts";
import {
  DEFAULT_RETRY,
  OciClient,
  OciError,
  parseTarget,
  type ClientOptions,
  type Repository,
} from "../src/oci/index.ts";
import { FakeClock, artifactBytes } from "../src/testing/index.ts";
import { startFaultProxy, type FaultProxy } from "./support/fault-proxy.ts";
import { startRegistry, type TestRegistry } from "./support/registry.ts";

const fx = artifactBytes("fault tests");
const isCode = (code: string) => (e: unknown) => e instanceof OciError && e.code === code;

describe("registry client under faults", () => {
  let reg: TestRegistry;
  let proxy: FaultProxy;
  let clock: FakeClock;

  function repo(opts: ClientOptions = {}, host = proxy.host): Repository {
    return new OciClient({ plainHttp: true, clock, ...opts }).repository(
      parseTarget(`oci://${host}/team/app`),
    );
  }

  before(async () => {
    reg = await startRegistry();
    proxy = await startFaultProxy(reg);
    const direct = new OciClient({ plainHttp: true }).repository(parseTarget(`oci://${reg.host}/team/app`));
    await direct.pushBlob(fx.config.desc, fx.config.bytes);
    await direct.pushBlob(fx.layer.desc, fx.layer.bytes);
    await direct.pushManifest(fx.manifest.bytes, fx.manifest.desc.mediaType, "1.0.0");
  });
  after(async () => {
    await proxy.stop();
    await reg.stop();
  });
  beforeEach(() => {
    clock = new FakeClock();
    proxy.setRules([]);
    proxy.requests.length = 0;
  });

  test("429 with Retry-After, then recovery: succeeds after waiting what the registry asked", async () => {
    proxy.setRules([
      { match: { path: /tags\/list$/ }, fault: { kind: "status", status: 429, retryAfter: "7" }, times: 2 },
    ]);
    assert.deepEqual(await repo().tags(), ["1.0.0"]);
    assert.deepEqual(clock.sleeps, [7000, 7000]);
    assert.deepEqual(
      proxy.requests.map((r) => r.status),
      [429, 429, 200],
    );
  });

  test("503 then recovery: jittered exponential backoff", async () => {
    proxy.setRules([{ match: { method: "HEAD" }, fault: { kind: "status", status: 503 }, times: 3 }]);
    assert.equal((await repo().resolve("1.0.0")).digest, fx.manifest.desc.digest);
    assert.equal(clock.sleeps.length, 3);
    clock.sleeps.forEach((ms, i) => {
      const base = 250 * 2 ** i;
      assert.ok(ms >= base * 0.9 && ms <= base * 1.1, `sleep ${i} = ${ms}`);
    });
  });

  test("retries stop after the policy's attempts with the registry's error", async () => {
    proxy.setRules([{ match: {}, fault: { kind: "status", status: 500 } }]);
    await assert.rejects(repo({ retry: { ...DEFAULT_RETRY, attempts: 3 } }).tags(), isCode("REGISTRY_ERROR"));
    assert.equal(proxy.requests.length, 3);
  });

  test("404 is not retried", async () => {
    await assert.rejects(repo().resolve("nope"), isCode("NOT_FOUND"));
    assert.equal(clock.sleeps.length, 0);
  });

  test("a connection reset is retried", async () => {
    proxy.setRules([{ match: { path: /tags\/list$/ }, fault: { kind: "reset" }, times: 1 }]);
    assert.deepEqual(await repo().tags(), ["1.0.0"]);
    assert.equal(clock.sleeps.length, 1);
  });

  test("a truncated manifest body is fetched again", async () => {
    proxy.setRules([
      { match: { method: "GET", path: /manifests/ }, fault: { kind: "truncate", afterBytes: 10 }, times: 1 },
    ]);
    const m = await repo().fetchManifest("1.0.0");
    assert.equal(m.descriptor.digest, fx.manifest.desc.digest);
  });

  test("a truncated blob stream fails instead of yielding short data", async () => {
    proxy.setRules([{ match: { path: /blobs/ }, fault: { kind: "truncate", afterBytes: 4 } }]);
    const stream = await repo().fetchBlob(fx.layer.desc);
    await assert.rejects(
      async () => {
        await stream.pipeTo(new WritableStream());
      },
      (e: unknown) => e instanceof OciError && (e.code === "SIZE_EXCEEDED" || e.code === "NETWORK_ERROR"),
    );
  });

  test("wrong bytes in a blob: DIGEST_MISMATCH naming the digest", async () => {
    proxy.setRules([{ match: { path: /blobs/ }, fault: { kind: "corrupt" } }]);
    const stream = await repo().fetchBlob(fx.layer.desc);
    await assert.rejects(
      async () => {
        await stream.pipeTo(new WritableStream());
      },
      (e: unknown) => isCode("DIGEST_MISMATCH")(e) && (e as Error).message.includes(fx.layer.desc.digest),
    );
    await assert.rejects(repo().fetchBlobBytes(fx.layer.desc, 1024), isCode("DIGEST_MISMATCH"));
  });

  test("wrong bytes in a manifest fetched by digest: DIGEST_MISMATCH", async () => {
    proxy.setRules([{ match: { path: /manifests/ }, fault: { kind: "corrupt" } }]);
    await assert.rejects(repo().fetchManifest(fx.manifest.desc.digest), isCode("DIGEST_MISMATCH"));
  });

  test("a manifest over its cap is refused before it is read", async () => {
    const limits = { ...DEFAULT_LIMITS, manifestBytes: 64 };
    await assert.rejects(
      repo({ limits }).fetchManifest("1.0.0"),
      (e: unknown) => isCode("SIZE_EXCEEDED")(e) && /cap of 64 bytes/.test((e as Error).message),
    );
  });

  test("a stalled registry: TIMEOUT once the request timeout passes, then retries are bounded", async () => {
    proxy.setRules([{ match: {}, fault: { kind: "stall" } }]);
    await assert.rejects(
      repo({ requestTimeoutMs: 150, retry: { ...DEFAULT_RETRY, attempts: 2 } }).tags(),
      isCode("TIMEOUT"),
    );
    assert.equal(proxy.requests.length, 2);
  });

  test("the caller's signal ends a stalled request at once", async () => {
    proxy.setRules([{ match: {}, fault: { kind: "stall" } }]);
    const signal = AbortSignal.timeout(100);
    await assert.rejects(
      repo().tags({ signal }),
      (e: unknown) => e instanceof DOMException && e.name === "TimeoutError",
    );
  });

  test("tag lists served in pages: every page is followed, in order", async () => {
    const direct = new OciClient({ plainHttp: true }).repository(parseTarget(`oci://${reg.host}/team/paged`));
    await direct.pushBlob(fx.config.desc, fx.config.bytes);
    await direct.pushBlob(fx.layer.desc, fx.layer.bytes);
    const want: string[] = [];
    for (let i = 0; i < 25; i++) {
      const tag = `1.0.${String(i).padStart(2, "0")}`;
      want.push(tag);
      await direct.pushManifest(fx.manifest.bytes, fx.manifest.desc.mediaType, tag);
    }
    proxy.setRules([{ match: { path: /tags\/list$/ }, fault: { kind: "paginate", pageSize: 10 } }]);
    const paged = new OciClient({ plainHttp: true, clock }).repository(
      parseTarget(`oci://${proxy.host}/team/paged`),
    );
    assert.deepEqual(await paged.tags(), want);
    assert.equal(proxy.requests.length, 3);
    proxy.setRules([
      {
        match: { path: /tags\/list$/ },
        fault: { kind: "paginate", pageSize: 10, linkOrigin: "http://evil.example" },
      },
    ]);
    await assert.rejects(
      paged.tags(),
      (e: unknown) => e instanceof OciError && /pagination leaves the registry/.test(e.message),
    );
    const few = { ...DEFAULT_LIMITS, tagPages: 2 };
    proxy.setRules([{ match: { path: /tags\/list$/ }, fault: { kind: "paginate", pageSize: 10 } }]);
    await assert.rejects(
      new OciClient({ plainHttp: true, clock, limits: few })
        .repository(parseTarget(`oci://${proxy.host}/team/paged`))
        .tags(),
      isCode("SIZE_EXCEEDED"),
    );
  });

  test("blob redirects to another host are followed without Authorization", async () => {
    const basic = await startRegistry({ auth: "basic" });
    const front = await startFaultProxy(basic);
    const storage = await startFaultProxy(reg);
    try {
      const cred = { kind: "basic" as const, username: basic.username ?? "", password: basic.password ?? "" };
      const creds = { get: () => Promise.resolve(cred) };
      const authed = repo({ credentials: creds }, front.host);
      await authed.pushBlob(fx.layer.desc, fx.layer.bytes);
      const storageUrl = storage.url.replace("127.0.0.1", "localhost");
      front.setRules([
        {
          match: { method: "GET", path: /blobs/ },
          fault: { kind: "redirect", to: (p) => storageUrl + p.replace("/v2/team/app/", "/v2/team/app/") },
        },
      ]);
      const bytes = await authed.fetchBlobBytes(fx.layer.desc, 1024);
      assert.equal(new TextDecoder().decode(bytes), "fault tests");
      assert.equal(
        front.requests.filter((r) => r.method === "GET" && r.path.includes("/blobs/")).at(-1)?.authorization,
        true,
      );
      assert.deepEqual(
        storage.requests.map((r) => [r.method, r.authorization]),
        [["GET", false]],
      );
    } finally {
      await storage.stop();
      await front.stop();
      await basic.stop();
    }
  });
});
