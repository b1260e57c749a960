// SPDX-License-Identifier: Apache-2.0
// The registry client against the real docker-registry in its three auth modes (STYLE.md E8).
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { sha256Of, type Descriptor } from "../src/core/index.ts";
import { OciClient, OciError, parseTarget, type Credential, type Repository } from "../src/oci/index.ts";
import { FakeClock, artifactBytes } from "../src/testing/index.ts";
import { pushFixture } from "./support/fixtures.ts";
import { startRegistry, type RegistryAuth, type TestRegistry } from "./support/registry.ts";

function repoOn(reg: TestRegistry, name: string, cred?: Credential): Repository {
  const client = new OciClient({
    plainHttp: true,
    credentials: { get: (r) => Promise.resolve(r === reg.host ? cred : undefined) },
  });
  return client.repository(parseTarget(`oci://${reg.host}/${name}`));
}

async function streamBytes(s: ReadableStream<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const p of s) parts.push(p);
  return Buffer.concat(parts);
}

for (const auth of ["anonymous", "basic", "token"] satisfies RegistryAuth[]) {
  describe(`registry client (${auth})`, () => {
    let reg: TestRegistry;
    let cred: Credential | undefined;
    before(async () => {
      reg = await startRegistry({ auth });
      cred =
        reg.username === undefined
          ? undefined
          : { kind: "basic", username: reg.username, password: reg.password ?? "" };
    });
    after(() => reg.stop());

    test("ping learns the auth scheme", async () => {
      const client = new OciClient({ plainHttp: true });
      assert.equal(await client.ping(reg.host), { anonymous: "none", basic: "basic", token: "bearer" }[auth]);
    });

    test("push, list, resolve by HEAD, fetch manifest and blob", async () => {
      const repo = repoOn(reg, "team/app", cred);
      const fx = artifactBytes(`hello ${auth}`);
      const desc = await pushFixture(repo, fx, "1.0.0");
      assert.equal(desc.digest, fx.manifest.desc.digest);
      await repo.pushManifest(fx.manifest.bytes, fx.manifest.desc.mediaType, "latest");
      assert.deepEqual((await repo.tags()).sort(), ["1.0.0", "latest"]);
      const resolved = await repo.resolve("1.0.0");
      assert.deepEqual(resolved, fx.manifest.desc);
      const m = await repo.fetchManifest(desc.digest);
      assert.deepEqual(Buffer.from(m.bytes), Buffer.from(fx.manifest.bytes));
      assert.equal((await streamBytes(await repo.fetchBlob(fx.layer.desc))).toString(), `hello ${auth}`);
      assert.equal(await repo.pushBlob(fx.layer.desc, fx.layer.bytes), "exists");
    });

    test("streamed chunked upload of a 17 MiB blob, then cross-repository mount", async () => {
      const repo = repoOn(reg, "team/big", cred);
      const bytes = randomBytes(17 * 1024 * 1024);
      const desc: Descriptor = {
        mediaType: "application/octet-stream",
        digest: sha256Of(bytes),
        size: bytes.byteLength,
      };
      const chunks = () =>
        new ReadableStream<Uint8Array>({
          start(c) {
            for (let at = 0; at < bytes.byteLength; at += 1_000_000)
              c.enqueue(bytes.subarray(at, at + 1_000_000));
            c.close();
          },
        });
      assert.equal(await repo.pushBlob(desc, chunks), "uploaded");
      assert.equal(await repo.hasBlob(desc), true);
      const back = await streamBytes(await repo.fetchBlob(desc));
      assert.equal(sha256Of(back), desc.digest);
      const other = repoOn(reg, "team/other", cred);
      assert.equal(await other.pushBlob(desc, chunks, { mountFrom: "team/big" }), "mounted");
    });

    test("referrers fall back to the tag schema index on a registry without the API", async () => {
      const repo = repoOn(reg, "team/signed", cred);
      const subject = await pushFixture(repo, artifactBytes("subject"), "2.0.0");
      const sig = artifactBytes("signature", {
        artifactType: "application/vnd.dev.sigstore.bundle.v0.3+json",
        subject,
        annotations: { "dev.sigstore.bundle.predicateType": "x" },
      });
      const sigDesc = await pushFixture(repo, sig);
      await pushFixture(repo, sig); // a second push does not list it twice
      const refs = await repo.referrers(subject.digest);
      assert.deepEqual(
        refs.map((r) => [r.digest, r.artifactType]),
        [[sigDesc.digest, "application/vnd.dev.sigstore.bundle.v0.3+json"]],
      );
      assert.deepEqual(await repo.referrers(subject.digest, { artifactType: "other" }), []);
      assert.ok((await repo.tags()).includes(`sha256-${subject.digest.slice(7)}`));
    });

    test("missing tag and missing repository are NOT_FOUND", async () => {
      const repo = repoOn(reg, "team/app", cred);
      await assert.rejects(
        repo.resolve("9.9.9"),
        (e: unknown) => e instanceof OciError && e.code === "NOT_FOUND",
      );
      await assert.rejects(
        repoOn(reg, "nobody/here", cred).tags(),
        (e: unknown) => e instanceof OciError && e.code === "NOT_FOUND",
      );
    });

    test("delete by digest", async () => {
      const repo = repoOn(reg, "team/gone", cred);
      const desc = await pushFixture(repo, artifactBytes("bye"), "1.0.0");
      await repo.deleteManifest(desc.digest);
      await assert.rejects(
        repo.fetchManifest(desc.digest),
        (e: unknown) => e instanceof OciError && e.code === "NOT_FOUND",
      );
    });

    if (auth !== "anonymous") {
      test("wrong credentials: UNAUTHORIZED naming registry and repository, no secret", async () => {
        const repo = repoOn(reg, "team/app", {
          kind: "basic",
          username: reg.username ?? "",
          password: "wrong-s3cret",
        });
        const err = await repo.tags().then(
          () => assert.fail("expected an error"),
          (e: unknown) => e,
        );
        assert.ok(err instanceof OciError);
        assert.equal(err.code, "UNAUTHORIZED");
        assert.match(
          err.message,
          new RegExp(`registry ${reg.host.replace(/\./g, "\\.")}, repository team/app`),
        );
        assert.doesNotMatch(err.message + String(err.stack), /wrong-s3cret/);
      });

      test("anonymous access is refused", async () => {
        await assert.rejects(
          repoOn(reg, "team/app").tags(),
          (e: unknown) => e instanceof OciError && e.code === "UNAUTHORIZED",
        );
      });
    }

    if (auth === "token") {
      test("tokens are cached per scope: repeated reads fetch no new token", async () => {
        const repo = repoOn(reg, "team/app", cred);
        await repo.tags();
        const before = reg.tokenRequests;
        for (let i = 0; i < 5; i++) await repo.tags();
        await repo.resolve("1.0.0");
        assert.equal(reg.tokenRequests, before);
      });

      test("an expired token is replaced", async () => {
        const clock = new FakeClock(Date.now());
        const client = new OciClient({
          plainHttp: true,
          clock,
          credentials: { get: () => Promise.resolve(cred) },
        });
        const repo = client.repository(parseTarget(`oci://${reg.host}/team/app`));
        await repo.tags();
        const first = reg.tokenRequests;
        await repo.tags();
        assert.equal(reg.tokenRequests, first);
        clock.advance(301_000);
        await repo.tags();
        assert.equal(reg.tokenRequests, first + 1);
      });

      test("a pull-only user cannot push", async () => {
        const repo = repoOn(reg, "team/app", {
          kind: "basic",
          username: reg.readerUsername ?? "",
          password: reg.readerPassword ?? "",
        });
        assert.ok((await repo.tags()).includes("1.0.0"));
        const fx = artifactBytes("reader");
        await assert.rejects(
          repo.pushBlob(fx.layer.desc, fx.layer.bytes),
          (e: unknown) => e instanceof OciError && (e.code === "UNAUTHORIZED" || e.code === "DENIED"),
        );
      });

      test("an identity token uses the OAuth2 refresh-token POST", async () => {
        const repo = repoOn(reg, "team/app", { kind: "identity-token", token: reg.identityToken ?? "" });
        assert.ok((await repo.tags()).includes("1.0.0"));
        assert.ok(
          reg.tokenLog.some((r) => r.method === "POST" && r.grant === "refresh_token" && r.status === 200),
        );
      });
    }
  });
}
