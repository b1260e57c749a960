// SPDX-License-Identifier: Apache-2.0
// Proves the test services are real: docker-registry in its three auth modes and the fault proxy, driven with
// plain fetch (distribution spec: https://github.com/opencontainers/distribution-spec/blob/main/spec.md).
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { startFaultProxy } from "./support/fault-proxy.ts";
import type { FaultProxy, FaultRule } from "./support/fault-proxy.ts";
import { startRegistry } from "./support/registry.ts";
import type { TestRegistry } from "./support/registry.ts";

type Headers = Record<string, string>;

const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

function sha256(data: Uint8Array): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

function basic(username = "", password = ""): Headers {
  return { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}` };
}

/** Parses `Scheme k="v",k2="v2"` (values in this suite never contain quotes). */
function parseChallenge(header: string | null): { scheme: string; params: Record<string, string> } {
  const value = header ?? "";
  const params: Record<string, string> = {};
  for (const m of value.matchAll(/(\w+)="([^"]*)"/g)) params[m[1] ?? ""] = m[2] ?? "";
  return { scheme: value.split(" ")[0] ?? "", params };
}

/** Pushes a blob with POST + PUT; returns its digest. `base` may be the registry or a proxy. */
async function pushBlob(
  base: string,
  repo: string,
  data: Uint8Array<ArrayBuffer>,
  headers: Headers = {},
): Promise<string> {
  const digest = sha256(data);
  const start = await fetch(`${base}/v2/${repo}/blobs/uploads/`, { method: "POST", headers });
  await start.body?.cancel();
  assert.equal(start.status, 202);
  const location = new URL(start.headers.get("location") ?? "", base);
  assert.equal(location.origin, base, "Location points back at the host the client used");
  location.searchParams.set("digest", digest);
  const put = await fetch(location, {
    method: "PUT",
    headers: { ...headers, "content-type": "application/octet-stream" },
    body: data,
  });
  await put.body?.cancel();
  assert.equal(put.status, 201);
  return digest;
}

/** Pushes `{}` as config plus one layer and tags the manifest; reads it back and checks the bytes. */
async function pushAndPullManifest(base: string, repo: string, headers: Headers = {}): Promise<void> {
  const config = Buffer.from("{}");
  const layer = randomBytes(1000);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: {
      mediaType: "application/vnd.oci.empty.v1+json",
      digest: await pushBlob(base, repo, config, headers),
      size: 2,
    },
    layers: [
      {
        mediaType: "application/vnd.oci.image.layer.v1.tar",
        digest: await pushBlob(base, repo, layer, headers),
        size: 1000,
      },
    ],
  });
  const put = await fetch(`${base}/v2/${repo}/manifests/v1`, {
    method: "PUT",
    headers: { ...headers, "content-type": OCI_MANIFEST },
    body: manifest,
  });
  await put.body?.cancel();
  assert.equal(put.status, 201);
  const get = await fetch(`${base}/v2/${repo}/manifests/v1`, {
    headers: { ...headers, accept: OCI_MANIFEST },
  });
  assert.equal(get.status, 200);
  assert.equal(await get.text(), manifest);
  assert.equal(get.headers.get("docker-content-digest"), sha256(Buffer.from(manifest)));
}

describe("docker-registry (anonymous)", () => {
  let reg: TestRegistry;
  before(async () => (reg = await startRegistry()));
  after(() => reg.stop());

  test("GET /v2/ answers 200 without credentials", async () => {
    const res = await fetch(`${reg.url}/v2/`);
    await res.body?.cancel();
    assert.equal(res.status, 200);
    assert.equal(reg.host, new URL(reg.url).host);
  });

  test("push and pull a manifest", () => pushAndPullManifest(reg.url, "anon/app"));
});

describe("docker-registry (basic)", () => {
  let reg: TestRegistry;
  before(async () => (reg = await startRegistry({ auth: "basic" })));
  after(() => reg.stop());

  const cases = [
    { name: "no credentials", headers: (): Headers => ({}), want: 401 },
    { name: "wrong password", headers: (): Headers => basic(reg.username, "wrong"), want: 401 },
    { name: "htpasswd credentials", headers: (): Headers => basic(reg.username, reg.password), want: 200 },
  ];
  for (const c of cases) {
    test(`GET /v2/ with ${c.name} answers ${c.want}`, async () => {
      const res = await fetch(`${reg.url}/v2/`, { headers: c.headers() });
      await res.body?.cancel();
      assert.equal(res.status, c.want);
      if (c.want === 401) assert.equal(parseChallenge(res.headers.get("www-authenticate")).scheme, "Basic");
    });
  }

  test("push and pull with credentials", () =>
    pushAndPullManifest(reg.url, "basic/app", basic(reg.username, reg.password)));
});

describe("docker-registry (token)", () => {
  let reg: TestRegistry;
  before(async () => (reg = await startRegistry({ auth: "token" })));
  after(() => reg.stop());

  async function token(scopes: string[], headers: Headers = {}): Promise<string> {
    const q = new URLSearchParams({ service: reg.service ?? "" });
    for (const s of scopes) q.append("scope", s);
    const res = await fetch(`${reg.realm ?? ""}?${q.toString()}`, { headers });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { token: string; access_token: string; expires_in: number };
    assert.equal(body.token, body.access_token);
    assert.equal(body.expires_in, 300);
    return body.token;
  }

  test("a repository request gets a Bearer challenge with realm, service and scope", async () => {
    const res = await fetch(`${reg.url}/v2/tok/app/tags/list`);
    await res.body?.cancel();
    assert.equal(res.status, 401);
    const ch = parseChallenge(res.headers.get("www-authenticate"));
    assert.deepEqual(ch, {
      scheme: "Bearer",
      params: { realm: reg.realm, service: reg.service, scope: "repository:tok/app:pull" },
    });
  });

  test("challenge → token → retry pushes and pulls", async () => {
    const before = reg.tokenRequests;
    const t = await token(["repository:tok/app:pull,push"], basic(reg.username, reg.password));
    assert.equal(reg.tokenRequests, before + 1);
    await pushAndPullManifest(reg.url, "tok/app", { authorization: `Bearer ${t}` });
  });

  const denied = [
    {
      name: "a pull-only token",
      user: (): Headers => basic(reg.username, reg.password),
      scopes: ["repository:tok/ro:pull"],
    },
    {
      name: "the reader user",
      user: (): Headers => basic(reg.readerUsername, reg.readerPassword),
      scopes: ["repository:tok/ro:pull,push"],
    },
    { name: "an anonymous token", user: (): Headers => ({}), scopes: ["repository:tok/ro:pull,push"] },
  ];
  for (const c of denied) {
    test(`${c.name} cannot push (insufficient_scope)`, async () => {
      const t = await token(c.scopes, c.user());
      const res = await fetch(`${reg.url}/v2/tok/ro/blobs/uploads/`, {
        method: "POST",
        headers: { authorization: `Bearer ${t}` },
      });
      await res.body?.cancel();
      assert.equal(res.status, 401);
      const ch = parseChallenge(res.headers.get("www-authenticate"));
      assert.equal(ch.params.error, "insufficient_scope");
      // 2.8.2 lists the challenged actions in Go map order: "pull,push" or "push,pull".
      const [type, name, actions] = (ch.params.scope ?? "").split(":");
      assert.deepEqual([type, name, actions?.split(",").sort()], ["repository", "tok/ro", ["pull", "push"]]);
    });
  }

  test("the reader can pull but an anonymous token cannot", async () => {
    const reader = await token(["repository:tok/app:pull"], basic(reg.readerUsername, reg.readerPassword));
    const anon = await token(["repository:tok/app:pull"]);
    const want = [
      { auth: reader, status: 200 },
      { auth: anon, status: 401 },
    ];
    for (const w of want) {
      const res = await fetch(`${reg.url}/v2/tok/app/tags/list`, {
        headers: { authorization: `Bearer ${w.auth}` },
      });
      await res.body?.cancel();
      assert.equal(res.status, w.status);
    }
  });

  test("wrong credentials get 401 from the token server", async () => {
    const res = await fetch(`${reg.realm ?? ""}?service=${reg.service ?? ""}`, {
      headers: basic(reg.username, "nope"),
    });
    await res.body?.cancel();
    assert.equal(res.status, 401);
  });

  test("OAuth2 POST: password grant, then refresh_token grant with the identity token", async () => {
    const post = (form: Record<string, string>): Promise<Response> =>
      fetch(reg.realm ?? "", {
        method: "POST",
        body: new URLSearchParams({ client_id: "ocisync-test", service: reg.service ?? "", ...form }),
      });
    const pw = await post({
      grant_type: "password",
      username: reg.username ?? "",
      password: reg.password ?? "",
      scope: "repository:tok/app:pull",
      access_type: "offline",
    });
    assert.equal(pw.status, 200);
    const pwBody = (await pw.json()) as { access_token: string; refresh_token?: string; scope: string };
    assert.equal(pwBody.scope, "repository:tok/app:pull");
    assert.equal(typeof pwBody.refresh_token, "string");
    const rt = await post({
      grant_type: "refresh_token",
      refresh_token: reg.identityToken ?? "",
      scope: "repository:tok/app:pull",
    });
    assert.equal(rt.status, 200);
    const { access_token: t } = (await rt.json()) as { access_token: string };
    const res = await fetch(`${reg.url}/v2/tok/app/tags/list`, { headers: { authorization: `Bearer ${t}` } });
    assert.deepEqual(await res.json(), { name: "tok/app", tags: ["v1"] });
    const bad = await post({ grant_type: "refresh_token", refresh_token: "not-issued" });
    await bad.body?.cancel();
    assert.equal(bad.status, 401);
  });
});

describe("fault proxy", () => {
  let reg: TestRegistry;
  let proxy: FaultProxy;
  const blob = randomBytes(64 * 1024);
  let blobPath = "";
  before(async () => {
    reg = await startRegistry();
    proxy = await startFaultProxy(reg);
    blobPath = `/v2/fault/app/blobs/${await pushBlob(reg.url, "fault/app", blob)}`;
  });
  after(async () => {
    await proxy.stop();
    await reg.stop();
  });

  async function getBlob(
    rules: FaultRule[],
    signal?: AbortSignal,
  ): Promise<{ res: Response; bytes: Buffer; err?: unknown }> {
    proxy.setRules(rules);
    const res = await fetch(`${proxy.url}${blobPath}`, signal === undefined ? {} : { signal });
    const chunks: Buffer[] = [];
    try {
      for await (const c of res.body ?? []) chunks.push(Buffer.from(c));
    } catch (err) {
      return { res, bytes: Buffer.concat(chunks), err };
    }
    return { res, bytes: Buffer.concat(chunks) };
  }

  test("no rules: the blob passes through untouched", async () => {
    const { res, bytes } = await getBlob([]);
    assert.equal(res.status, 200);
    assert.ok(bytes.equals(blob));
  });

  test("reset: fetch throws", async () => {
    await assert.rejects(getBlob([{ match: { path: /\/blobs\// }, fault: { kind: "reset" } }]), TypeError);
    assert.equal(proxy.requests.at(-1)?.fault, "reset");
  });

  test("truncate: real Content-Length, shorter body, then an error", async () => {
    const { res, bytes, err } = await getBlob([
      { match: { method: "GET" }, fault: { kind: "truncate", afterBytes: 1000 } },
    ]);
    assert.equal(res.headers.get("content-length"), String(blob.length));
    assert.equal(bytes.length, 1000);
    assert.ok(err instanceof Error);
  });

  test("corrupt: same length, different bytes", async () => {
    const { res, bytes } = await getBlob([{ match: {}, fault: { kind: "corrupt" } }]);
    assert.equal(res.status, 200);
    assert.equal(bytes.length, blob.length);
    assert.notEqual(sha256(bytes), sha256(blob));
  });

  test("status 429 with Retry-After, only for the first request", async () => {
    const rules: FaultRule[] = [
      { match: { path: /\/blobs\// }, fault: { kind: "status", status: 429, retryAfter: "7" }, times: 1 },
    ];
    const first = await getBlob(rules);
    assert.equal(first.res.status, 429);
    assert.equal(first.res.headers.get("retry-after"), "7");
    assert.equal(
      (JSON.parse(first.bytes.toString()) as { errors: { code: string }[] }).errors[0]?.code,
      "TOOMANYREQUESTS",
    );
    proxy.requests.length = 0;
    const res = await fetch(`${proxy.url}${blobPath}`);
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(blob));
    assert.deepEqual(
      proxy.requests.map((r) => [r.method, r.status]),
      [["GET", 200]],
    );
  });

  test("status 503 with a custom body", async () => {
    const { res, bytes } = await getBlob([
      { match: {}, fault: { kind: "status", status: 503, body: "down" } },
    ]);
    assert.equal(res.status, 503);
    assert.equal(bytes.toString(), "down");
  });

  test("stall: aborted by AbortSignal.timeout; stall with ms answers late", async () => {
    await assert.rejects(getBlob([{ match: {}, fault: { kind: "stall" } }], AbortSignal.timeout(300)), {
      name: "TimeoutError",
    });
    const late = await getBlob([{ match: {}, fault: { kind: "stall", ms: 100 } }]);
    assert.ok(late.bytes.equals(blob));
  });

  test("pushes through the proxy get Location headers for the proxy", async () => {
    proxy.setRules([]);
    proxy.requests.length = 0;
    await pushAndPullManifest(proxy.url, "fault/pushed");
    assert.deepEqual(
      proxy.requests.slice(0, 2).map((r) => [r.method, r.path, r.status]),
      [
        ["POST", "/v2/fault/pushed/blobs/uploads/", 202],
        ["PUT", proxy.requests[1]?.path, 201],
      ],
    );
  });
});
