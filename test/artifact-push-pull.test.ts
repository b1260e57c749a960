// SPDX-License-Identifier: Apache-2.0
// Flux-format artifacts against the real docker-registry: push, pull, reproducibility, the CLI, and every
// hostile-input failure built as a real artifact, pushed, then pulled (issue 5).
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ArtifactError, pullArtifact, pushArtifact, type PullOptions } from "../src/artifact/index.ts";
import { main } from "../src/cli/index.ts";
import type { CliIo } from "../src/cli/index.ts";
import { DEFAULT_LIMITS, digestHex, type Descriptor } from "../src/core/index.ts";
import {
  DEFAULT_RETRY,
  OciClient,
  OciError,
  parseTarget,
  type Credential,
  type Repository,
} from "../src/oci/index.ts";
import { gzipBomb, hostileArtifact, rawTarGz, type RawEntry } from "./support/hostile.ts";
import { startFaultProxy, type FaultRule } from "./support/fault-proxy.ts";
import { startRegistry, type TestRegistry } from "./support/registry.ts";

let reg: TestRegistry;
let work: string;
let cred: Credential | undefined;

before(async () => {
  reg = await startRegistry({ auth: "basic" });
  cred = { kind: "basic", username: reg.username ?? "", password: reg.password ?? "" };
  work = await mkdtemp(join(tmpdir(), "ocisync-artifact-it-"));
});
after(async () => {
  await reg.stop();
  await rm(work, { recursive: true, force: true });
});

function repoOn(name: string, limits = DEFAULT_LIMITS): Repository {
  const client = new OciClient({
    plainHttp: true,
    limits,
    credentials: { get: (r) => Promise.resolve(r === reg.host ? cred : undefined) },
  });
  return client.repository(parseTarget(`oci://${reg.host}/${name}`));
}

let n = 0;
const fresh = (p: string) => join(work, `${p}-${n++}`);

/** Writes a tree; returns its root. */
export async function writeTree(
  root: string,
  files: Record<string, string | Buffer>,
  modes: Record<string, number> = {},
): Promise<string> {
  for (const [name, data] of Object.entries(files)) {
    await mkdir(dirname(join(root, name)), { recursive: true });
    await writeFile(join(root, name), data);
  }
  for (const [name, mode] of Object.entries(modes)) await chmod(join(root, name), mode);
  return root;
}

/** path → content (files) or "<dir>", plus modes, for tree comparison. */
async function snapshot(root: string, rel = ""): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(join(root, rel), { withFileTypes: true })) {
    const p = rel === "" ? e.name : `${rel}/${e.name}`;
    const st = await lstat(join(root, p));
    if (e.isDirectory()) {
      out[`${p}/`] = "<dir>";
      Object.assign(out, await snapshot(root, p));
    } else out[p] = `${(st.mode & 0o777).toString(8)} ${(await readFile(join(root, p))).toString("base64")}`;
  }
  return out;
}

const FILES = {
  "kustomization.yaml": "resources: [deploy.yaml]\n",
  "deploy.yaml": "kind: Deployment\n",
  "nested/deep/config.json": '{"a":1}\n',
  "run.sh": "#!/bin/sh\necho hi\n",
  ".git/HEAD": "ref: refs/heads/main\n",
  "logo.png": "png",
};

describe("push and pull (real registry)", () => {
  test("push, pull by tag: same tree minus ignored files; annotations; revision", async () => {
    const src = await writeTree(fresh("src"), FILES, { "run.sh": 0o755 });
    const repo = repoOn("apps/web");
    const pushed = await pushArtifact(repo, src, "1.0.0", {
      source: "https://github.com/acme/web",
      revision: "main@sha1:abc",
      annotations: { team: "a&b" },
    });
    assert.deepEqual(pushed.uploaded, { config: "uploaded", layer: "uploaded" });
    const out = fresh("out");
    const pulled = await pullArtifact(repo, { tag: "1.0.0" }, out);
    assert.equal(pulled.digest, pushed.digest);
    assert.equal(pulled.revision, `1.0.0@${pushed.digest}`);
    assert.equal(pulled.source, "https://github.com/acme/web");
    assert.equal(pulled.originRevision, "main@sha1:abc");
    assert.equal(pulled.annotations.team, "a&b");
    const want = await snapshot(src);
    delete want[".git/"];
    delete want[".git/HEAD"];
    delete want["logo.png"];
    assert.deepEqual(await snapshot(out), want);
    const m = JSON.parse(Buffer.from((await repo.fetchManifest(pushed.digest)).bytes).toString()) as {
      config: Descriptor;
      layers: Descriptor[];
    };
    assert.equal(m.config.mediaType, "application/vnd.cncf.flux.config.v1+json");
    assert.deepEqual(
      m.layers.map((l) => l.mediaType),
      ["application/vnd.cncf.flux.content.v1.tar+gzip"],
    );
  });

  test("--reproducible: same directory, same manifest digest; blobs are not uploaded again", async () => {
    const repo = repoOn("apps/repro");
    const a = await pushArtifact(repo, await writeTree(fresh("src"), FILES), "1.0.0", {
      source: "s",
      revision: "r",
      reproducible: true,
    });
    const b = await pushArtifact(repo, await writeTree(fresh("src"), FILES), "1.0.1", {
      source: "s",
      revision: "r",
      reproducible: true,
    });
    assert.equal(a.digest, b.digest);
    assert.equal(a.annotations["org.opencontainers.image.created"], "1970-01-01T00:00:00Z");
    assert.deepEqual(b.uploaded, { config: "exists", layer: "exists" });
  });

  test("pull by digest, layer operation copy", async () => {
    const repo = repoOn("apps/copyop");
    const pushed = await pushArtifact(repo, await writeTree(fresh("src"), { "a.yaml": "a" }), "v1");
    const out = fresh("out");
    const r = await pullArtifact(repo, { digest: pushed.digest }, out, { operation: "copy" });
    assert.equal(r.revision, pushed.digest);
    assert.deepEqual(await readdir(out), [`${digestHex(pushed.layer.digest)}.blob`]);
  });

  test("a 20 MiB artifact streams through the chunked upload", async () => {
    const repo = repoOn("apps/big");
    const src = await writeTree(fresh("src"), { "blob.bin": randomBytes(20 * 1024 * 1024), "b.yaml": "b" });
    const pushed = await pushArtifact(repo, src, "big");
    const out = fresh("out");
    await pullArtifact(repo, { tag: "big" }, out);
    assert.deepEqual(await readFile(join(out, "blob.bin")), await readFile(join(src, "blob.bin")));
    assert.ok(pushed.layer.size > 20 * 1024 * 1024);
  });
});

function recorder(env: Record<string, string>): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdout: { write: (s: string) => out.push(s) },
      stderr: { write: (s: string) => err.push(s) },
      env,
      cwd: work,
      homedir: work,
    },
    out,
    err,
  };
}

describe("CLI push/pull/tag/list (real registry)", () => {
  let dockerConfig: string;
  before(async () => {
    dockerConfig = fresh("docker");
    await mkdir(dockerConfig);
  });
  const cli = async (...args: string[]) => {
    const r = recorder({ DOCKER_CONFIG: dockerConfig });
    const code = await main(
      ["--plain-http", "--creds", `${reg.username ?? ""}:${reg.password ?? ""}`, ...args],
      r.io,
    );
    return { code, out: r.out.join(""), err: r.err.join("") };
  };

  test("push -o json, pull -o json, tag, list hides cosign tags", async () => {
    const src = await writeTree(fresh("src"), FILES);
    const url = `oci://${reg.host}/cli/app`;
    const push = await cli(
      "-o",
      "json",
      "push",
      src,
      `${url}:1.2.0`,
      "--source",
      "git@x",
      "--revision",
      "main@sha1:1",
      "--annotation",
      "k=v=w",
      "--reproducible",
    );
    assert.equal(push.code, 0, push.err);
    const pj = JSON.parse(push.out) as { url: string; tag: string; digest: string; repository: string };
    assert.equal(pj.tag, "1.2.0");
    assert.equal(pj.repository, url);
    assert.equal(pj.url, `${url}@${pj.digest}`);
    const out = fresh("out");
    // Flux's spelling: `--output DIR` (the global -o stays the format).
    const pull = await cli("pull", `${url}:1.2.0`, "--output", out, "-o", "json");
    assert.equal(pull.code, 0, pull.err);
    const pl = JSON.parse(pull.out) as {
      digest: string;
      revision: string;
      annotations: Record<string, string>;
    };
    assert.equal(pl.digest, pj.digest);
    assert.equal(pl.revision, `1.2.0@${pj.digest}`);
    assert.equal(pl.annotations.k, "v=w");
    const tag = await cli("tag", `${url}:1.2.0`, "1.3.0", "latest", `sha256-${pj.digest.slice(7)}.sig`);
    assert.equal(tag.code, 0, tag.err);
    const list = await cli("-o", "json", "list", url);
    assert.deepEqual(
      (JSON.parse(list.out) as { tag: string; digest: string; source: string; revision: string }[]).map(
        (i) => [i.tag, i.digest, i.source, i.revision],
      ),
      [
        ["latest", pj.digest, "git@x", "main@sha1:1"],
        ["1.3.0", pj.digest, "git@x", "main@sha1:1"],
        ["1.2.0", pj.digest, "git@x", "main@sha1:1"],
      ],
    );
    const semver = await cli("list", url, "--semver", ">=1.3.0");
    assert.equal(
      semver.out,
      `ARTIFACT              \tDIGEST                                                                 \tSOURCE\tREVISION\n${reg.host}/cli/app:1.3.0\t${pj.digest}\tgit@x \tmain@sha1:1\n`.replace(
        "ARTIFACT              ",
        "ARTIFACT".padEnd(`${reg.host}/cli/app:1.3.0`.length),
      ),
    );
  });

  test("push to and pull from an OCI image layout (oci-layout://)", async () => {
    const src = await writeTree(fresh("src"), FILES, { "run.sh": 0o755 });
    const layout = `oci-layout://${fresh("layout")}`;
    const push = await cli("-o", "json", "push", src, `${layout}:1.0.0`, "--reproducible");
    assert.equal(push.code, 0, push.err);
    const digest = (JSON.parse(push.out) as { digest: string }).digest;
    const out = fresh("out");
    const pull = await cli("-o", "json", "pull", `${layout}@${digest}`, "--output-dir", out);
    assert.equal(pull.code, 0, pull.err);
    assert.equal((JSON.parse(pull.out) as { revision: string }).revision, digest);
    assert.equal(await readFile(join(out, "run.sh"), "utf8"), FILES["run.sh"]);
    const list = await cli("-o", "json", "list", layout);
    assert.deepEqual(
      (JSON.parse(list.out) as { tag: string; digest: string }[]).map((i) => [i.tag, i.digest]),
      [["1.0.0", digest]],
    );
  });

  test("pull caps are flags: --max-extracted-size, --max-entries", async () => {
    const src = await writeTree(fresh("src"), { "a.yaml": "x".repeat(100), "b.yaml": "y" });
    const url = `oci://${reg.host}/cli/caps:1`;
    assert.equal((await cli("push", src, url)).code, 0);
    const cases: { args: string[]; code: number; err: RegExp }[] = [
      {
        args: ["--max-extracted-size", "50"],
        code: 1,
        err: /archive content exceeds the cap of 50 bytes at a\.yaml \[TOO_LARGE\]/,
      },
      { args: ["--max-entries", "2"], code: 1, err: /archive has more than 2 entries \[TOO_MANY_ENTRIES\]/ },
      {
        args: ["--max-extracted-size", "12 parsecs"],
        code: 2,
        err: /--max-extracted-size: want a size like 512Mi or 2Gi, got "12 parsecs" \[INVALID_ARGUMENT\]/,
      },
      {
        args: ["--max-extracted-size", "1Ki", "--max-entries", "3"],
        code: 0,
        err: /^✔ artifact content extracted/,
      },
    ];
    for (const c of cases) {
      const r = await cli("pull", url, "--output-dir", fresh("out"), ...c.args);
      assert.equal(r.code, c.code, r.err);
      assert.match(r.err, c.err);
    }
  });

  test("usage errors exit 2: no tag, bad annotation", async () => {
    const src = await writeTree(fresh("src"), { "a.yaml": "a" });
    assert.equal((await cli("push", src, `oci://${reg.host}/cli/x`)).code, 2);
    const bad = await cli("push", src, `oci://${reg.host}/cli/x:1`, "--annotation", "novalue");
    assert.equal(bad.code, 2);
    assert.match(
      bad.err,
      /--annotation: invalid annotation "novalue", must be in the format key=value \[INVALID_ARGUMENT\]/,
    );
  });

  test("hostile artifact through the CLI: message and code on stderr, exit 1, nothing left", async () => {
    const repo = repoOn("cli/evil");
    const art = hostileArtifact(rawTarGz([{ name: "../../escape.yaml", data: "x" }]));
    await repo.pushBlob(art.config.desc, art.config.bytes);
    await repo.pushBlob(art.layer.desc, art.layer.bytes);
    await repo.pushManifest(art.manifest.bytes, art.manifest.desc.mediaType, "1.0.0");
    const out = fresh("out");
    const r = await cli("pull", `oci://${reg.host}/cli/evil:1.0.0`, "--output-dir", out);
    assert.equal(r.code, 1);
    assert.equal(r.err, 'error: unsafe path "../../escape.yaml" in archive: contains .. [UNSAFE_PATH]\n');
    await assert.rejects(lstat(out), { code: "ENOENT" });
    assert.deepEqual(
      (await readdir(work)).filter((f) => f.includes(".ocisync-")),
      [],
    );
  });
});

describe("hostile input (real registry)", () => {
  const small = { ...DEFAULT_LIMITS, extractedBytes: 4 << 20, extractedEntries: 50 };
  const cases: {
    name: string;
    layer: () => Buffer;
    art?: { layerMediaType?: string; annotations?: Record<string, string> };
    limits?: typeof DEFAULT_LIMITS;
    pull?: PullOptions;
    tamper?: "corrupt" | "delete";
    code: string;
  }[] = [
    { name: "entry with ..", layer: () => rawTarGz([{ name: "a/../../x", data: "x" }]), code: "UNSAFE_PATH" },
    {
      name: "absolute path",
      layer: () => rawTarGz([{ name: "/etc/cron.d/x", data: "x" }]),
      code: "UNSAFE_PATH",
    },
    {
      name: "symlink outside",
      layer: () => rawTarGz([{ name: "l", type: "2", linkname: "../../../etc/passwd" }]),
      code: "UNSAFE_LINK",
    },
    {
      name: "hard link outside",
      layer: () => rawTarGz([{ name: "l", type: "1", linkname: "/etc/shadow" }]),
      code: "UNSAFE_LINK",
    },
    {
      name: "character device",
      layer: () => rawTarGz([{ name: "tty", type: "3" }]),
      code: "UNSUPPORTED_ENTRY",
    },
    { name: "FIFO", layer: () => rawTarGz([{ name: "p", type: "6" }]), code: "UNSUPPORTED_ENTRY" },
    {
      name: "file overwriting a directory",
      layer: () =>
        rawTarGz([
          { name: "d/f", data: "1" },
          { name: "d", data: "2" },
        ]),
      code: "DUPLICATE_ENTRY",
    },
    {
      name: "too many entries",
      layer: () => rawTarGz(Array.from({ length: 51 }, (_, i): RawEntry => ({ name: `f${i}`, data: "x" }))),
      limits: small,
      code: "TOO_MANY_ENTRIES",
    },
    { name: "gzip bomb (1 GiB of zeros)", layer: () => gzipBomb(16).bytes, limits: small, code: "TOO_LARGE" },
    {
      name: "layer bytes do not match the digest",
      layer: () => rawTarGz([{ name: "a", data: "good" }], 0),
      tamper: "corrupt",
      code: "DIGEST_MISMATCH",
    },
    {
      name: "manifest over its cap",
      layer: () => rawTarGz([{ name: "a", data: "x" }]),
      art: { annotations: { pad: "x".repeat(8192) } },
      limits: { ...DEFAULT_LIMITS, manifestBytes: 4096 },
      code: "MANIFEST_TOO_LARGE",
    },
    {
      name: "missing layer blob",
      layer: () => rawTarGz([{ name: "a", data: "x" }]),
      tamper: "delete",
      code: "LAYER_NOT_FOUND",
    },
    {
      name: "no layer of the selected media type",
      layer: () => rawTarGz([{ name: "a", data: "x" }]),
      pull: { layerMediaType: "application/vnd.example.other" },
      code: "LAYER_NOT_FOUND",
    },
    {
      name: "layer of an unexpected media type",
      layer: () => Buffer.from("just text"),
      art: { layerMediaType: "text/plain" },
      code: "UNEXPECTED_MEDIA_TYPE",
    },
  ];
  for (const c of cases) {
    test(`${c.name}: ${c.code}, nothing left behind`, async () => {
      const name = `evil/case-${n++}`;
      const repo = repoOn(name);
      const art = hostileArtifact(c.layer(), c.art);
      await repo.pushBlob(art.config.desc, art.config.bytes);
      await repo.pushBlob(art.layer.desc, art.layer.bytes);
      await repo.pushManifest(art.manifest.bytes, art.manifest.desc.mediaType, "1.0.0");
      const blobData = join(
        reg.dataDir,
        "docker/registry/v2/blobs/sha256",
        digestHex(art.layer.desc.digest).slice(0, 2),
        digestHex(art.layer.desc.digest),
        "data",
      );
      if (c.tamper === "corrupt") await writeFile(blobData, rawTarGz([{ name: "a", data: "evil" }], 0));
      if (c.tamper === "delete") await rm(dirname(blobData), { recursive: true });
      const out = fresh("out");
      await assert.rejects(
        pullArtifact(repoOn(name, c.limits), { tag: "1.0.0" }, out, {
          ...c.pull,
          ...(c.limits === undefined ? {} : { limits: c.limits }),
        }),
        (e: unknown) => {
          assert.ok(e instanceof ArtifactError, String(e));
          assert.equal(e.code, c.code, e.message);
          return true;
        },
      );
      await assert.rejects(lstat(out), { code: "ENOENT" });
      assert.deepEqual(
        (await readdir(work)).filter((f) => f.includes(".ocisync-")),
        [],
      );
    });
  }
});

describe("broken transfers (fault proxy in front of the real registry)", () => {
  test("corrupted layer bytes: DIGEST_MISMATCH; truncated: a retryable registry error; nothing left behind", async () => {
    const plain = await startRegistry();
    const proxy = await startFaultProxy(plain);
    try {
      const direct = new OciClient({ plainHttp: true }).repository(
        parseTarget(`oci://${plain.host}/faults/app`),
      );
      const src = await writeTree(fresh("src"), {
        "a.yaml": "kind: ConfigMap\n".repeat(2000),
        "b.yaml": "b",
      });
      const pushed = await pushArtifact(direct, src, "1.0.0");
      const viaProxy = new OciClient({
        plainHttp: true,
        retry: { ...DEFAULT_RETRY, attempts: 1 },
      }).repository(parseTarget(`oci://${proxy.host}/faults/app`));
      const blobPath = new RegExp(`/blobs/${pushed.layer.digest}$`);
      const cases: { name: string; fault: FaultRule["fault"]; times: number; check: (e: unknown) => void }[] =
        [
          {
            name: "corrupt",
            fault: { kind: "corrupt" },
            times: 2,
            check: (e) => {
              assert.ok(e instanceof ArtifactError, String(e));
              assert.equal(e.code, "DIGEST_MISMATCH");
            },
          },
          {
            name: "truncate",
            fault: { kind: "truncate", afterBytes: 100 },
            times: 1,
            check: (e) => {
              assert.ok(e instanceof OciError, String(e));
              assert.equal(e.retryable, true);
            },
          },
        ];
      for (const c of cases) {
        proxy.setRules([{ match: { method: "GET", path: blobPath }, fault: c.fault, times: c.times }]);
        const out = fresh("out");
        await assert.rejects(pullArtifact(viaProxy, { tag: "1.0.0" }, out), (e: unknown) => {
          c.check(e);
          return true;
        });
        await assert.rejects(lstat(out), { code: "ENOENT" }, c.name);
      }
      proxy.setRules([]);
      const ok = await pullArtifact(viaProxy, { tag: "1.0.0" }, fresh("out"));
      assert.equal(ok.digest, pushed.digest);
    } finally {
      await proxy.stop();
      await plain.stop();
    }
  });
});
