// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { createReadStream } from "node:fs";
import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createGunzip, gunzipSync } from "node:zlib";
import tar from "tar-stream";
import { sha256Of } from "../core/index.ts";
import { goGzip } from "./go-deflate.ts";
import { packDirectory, type PackOptions } from "./pack.ts";
import { encodeHeader } from "./tar-header.ts";

let work: string;
before(async () => {
  work = await mkdtemp(join(tmpdir(), "ocisync-pack-test-"));
});
after(() => rm(work, { recursive: true, force: true }));

let n = 0;
async function tree(files: Record<string, string | { data: string; mode: number } | null>): Promise<string> {
  const root = join(work, `tree-${n++}`);
  await mkdir(root, { mode: 0o755 });
  await chmod(root, 0o755);
  for (const [name, v] of Object.entries(files)) {
    const p = join(root, name);
    await mkdir(dirname(p), { recursive: true });
    if (v === null) await mkdir(p, { recursive: true });
    else if (typeof v === "string") await writeFile(p, v, { mode: 0o644 });
    else {
      await writeFile(p, v.data);
      await chmod(p, v.mode);
    }
  }
  return root;
}

interface Listed {
  name: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
}

async function list(path: string): Promise<Listed[]> {
  const out: Listed[] = [];
  const ex = tar.extract();
  createReadStream(path).pipe(createGunzip()).pipe(ex);
  for await (const e of ex) {
    const h = e.header;
    out.push({ name: h.name, type: h.type, mode: h.mode, uid: h.uid, gid: h.gid, mtime: h.mtime.getTime() });
    e.resume();
  }
  return out;
}

async function pack(root: string, opts?: PackOptions) {
  const p = await packDirectory(root, opts);
  const entries = await list(p.path);
  const bytes = await readFile(p.path);
  await p.dispose();
  return { p, entries, bytes };
}

describe("packDirectory", () => {
  test("Flux layout: root '.', byte order walk, zeroed owners and times, modes kept", async () => {
    const root = await tree({
      "b.yaml": "b",
      "a/z.yaml": "z",
      "a/B.yaml": "B",
      "run.sh": { data: "#!/bin/sh", mode: 0o755 },
      empty: null,
    });
    const { entries, p, bytes } = await pack(root);
    assert.deepEqual(
      entries.map((e) => [e.name, e.type, e.mode.toString(8)]),
      [
        [".", "directory", "755"],
        ["a", "directory", "755"],
        ["a/B.yaml", "file", "644"],
        ["a/z.yaml", "file", "644"],
        ["b.yaml", "file", "644"],
        ["empty", "directory", "755"],
        ["run.sh", "file", "755"],
      ],
    );
    assert.ok(entries.every((e) => e.uid === 0 && e.gid === 0 && e.mtime === 0));
    assert.equal(p.entries, 7);
    assert.equal(p.size, bytes.length);
    assert.equal(p.digest, sha256Of(bytes));
    assert.deepEqual([...bytes.subarray(0, 10)], [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff], "Go's gzip header");
  });

  test("same tree, same digest", async () => {
    const files = { "x.yaml": "x", "d/y.yaml": "y" };
    const a = await pack(await tree(files));
    const b = await pack(await tree(files));
    assert.equal(a.p.digest, b.p.digest);
    assert.equal(a.p.diffId, b.p.diffId);
  });

  const ignoreCases: {
    name: string;
    files: Record<string, string | null>;
    opts?: PackOptions;
    want: string[];
  }[] = [
    {
      name: "default --ignore-paths drops VCS and media files, keeps CI files",
      files: {
        ".git/config": "c",
        ".gitignore": "i",
        "logo.png": "p",
        ".github/workflows/ci.yaml": "w",
        "app.yaml": "a",
      },
      want: [".", ".github", ".github/workflows", ".github/workflows/ci.yaml", "app.yaml"],
    },
    {
      name: "given --ignore-paths replace the default",
      files: { ".gitignore": "i", "logo.png": "p", "secret.yaml": "s", "app.yaml": "a" },
      opts: { ignorePaths: ["secret.yaml"] },
      want: [".", ".gitignore", "app.yaml", "logo.png"],
    },
    {
      name: ".sourceignore files apply, scoped to their directory",
      files: {
        ".sourceignore": "*.md\n",
        "sub/.sourceignore": "local.yaml\n",
        "sub/local.yaml": "l",
        "local.yaml": "r",
        "README.md": "m",
        "sub/README.md": "m",
      },
      want: [".", ".sourceignore", "local.yaml", "sub", "sub/.sourceignore"],
    },
    {
      name: ".sourceignore off",
      files: { ".sourceignore": "*.md\n", "README.md": "m" },
      opts: { sourceIgnore: false },
      want: [".", ".sourceignore", "README.md"],
    },
    {
      name: "an excluded directory is still walked: a negation keeps a file below it",
      files: { "dir/keep.yaml": "k", "dir/drop.yaml": "d" },
      opts: { ignorePaths: ["dir/", "!dir/keep.yaml"] },
      want: [".", "dir/keep.yaml"],
    },
  ];
  for (const c of ignoreCases) {
    test(c.name, async () => {
      const { entries } = await pack(await tree(c.files), c.opts);
      assert.deepEqual(
        entries.map((e) => e.name),
        c.want,
      );
    });
  }

  test("symlinks are skipped", async () => {
    const root = await tree({ "a.yaml": "a" });
    await symlink("a.yaml", join(root, "link.yaml"));
    await symlink("/etc", join(root, "etc"));
    const { entries } = await pack(root);
    assert.deepEqual(
      entries.map((e) => e.name),
      [".", "a.yaml"],
    );
  });

  test("a single file is staged as Flux does: '.' (0700) and the file", async () => {
    const root = await tree({ "only.yaml": "o" });
    const { entries } = await pack(join(root, "only.yaml"));
    assert.deepEqual(
      entries.map((e) => [e.name, e.mode.toString(8)]),
      [
        [".", "700"],
        ["only.yaml", "644"],
      ],
    );
  });

  test("missing source", async () => {
    await assert.rejects(packDirectory(join(work, "nope")), { code: "INVALID_SOURCE" });
  });
});

describe("encodeHeader (Go archive/tar bytes)", () => {
  test("USTAR fields", () => {
    const b = encodeHeader({ name: "a.yaml", mode: 0o644, kind: "file", size: 10 });
    assert.equal(b.length, 512);
    assert.equal(b.toString("latin1", 100, 108), "0000644\0");
    assert.equal(b.toString("latin1", 124, 136), "00000000012\0");
    assert.equal(b.toString("latin1", 136, 148), "00000000000\0");
    assert.equal(b.toString("latin1", 257, 265), "ustar\u000000");
    assert.equal(b.toString("latin1", 329, 345), "0000000\u00000000000\0");
    assert.equal(b[155], 0x20);
  });
  const names: { name: string; input: string; blocks: number; pax?: string }[] = [
    { name: "short", input: "a/b.yaml", blocks: 1 },
    { name: "long, split into prefix", input: `${"d".repeat(120)}/file.yaml`, blocks: 1 },
    { name: "long, unsplittable: PAX path", input: `${"f".repeat(130)}.yaml`, blocks: 3, pax: "145 path=" },
    { name: "non-ASCII: PAX path", input: "dir/ünïcode.yaml", blocks: 3, pax: "27 path=dir/ünïcode.yaml\n" },
  ];
  for (const c of names) {
    test(c.name, () => {
      const b = encodeHeader({ name: c.input, mode: 0o644, kind: "file", size: 1 });
      assert.equal(b.length, c.blocks * 512);
      if (c.pax !== undefined) {
        assert.equal(String.fromCharCode(b[156] ?? 0), "x");
        assert.ok(b.subarray(512).toString("utf8").startsWith(c.pax), b.subarray(512, 600).toString());
      }
    });
  }
});

test("a layer big enough for the worker thread is byte for byte what the single-thread encoder writes", async () => {
  const dir = await mkdtemp(join(tmpdir(), "ocisync-pack-worker-"));
  try {
    // 6 MiB over 24 files of text-like bytes: above the worker threshold, many 1 MiB tar chunks in flight.
    let s = 7;
    for (let f = 0; f < 24; f++) {
      const b = Buffer.alloc(256 * 1024);
      for (let i = 0; i < b.length; i++) {
        s = (s * 1103515245 + 12345) >>> 0;
        b[i] = 97 + ((s >>> 16) % 20);
      }
      await writeFile(join(dir, `f${String(f)}.yaml`), b);
    }
    const layer = await packDirectory(dir);
    try {
      const gz = await readFile(layer.path);
      assert.equal(sha256Of(gz), layer.digest);
      const tarBytes = gunzipSync(gz);
      assert.equal(sha256Of(tarBytes), layer.diffId);
      assert.ok(tarBytes.length > 6 * 1024 * 1024);
      assert.equal(sha256Of(goGzip(tarBytes)), layer.digest, "worker and single-thread encoders differ");
    } finally {
      await layer.dispose();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
