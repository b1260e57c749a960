// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { lstat, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, before, describe, test } from "node:test";
import { gzipSync } from "node:zlib";
import { gzipBomb, rawTar, rawTarGz, type RawEntry } from "../../test/support/hostile.ts";
import { ArtifactError } from "./errors.ts";
import { entryComponents, extractTarGz } from "./extract.ts";

let work: string;
before(async () => {
  work = await mkdtemp(join(tmpdir(), "ocisync-extract-"));
});
after(() => rm(work, { recursive: true, force: true }));

let n = 0;
async function extract(bytes: Uint8Array, limits?: { extractedBytes: number; extractedEntries: number }) {
  const out = join(work, `out-${n++}`);
  const result = await extractTarGz(
    Readable.from([Buffer.from(bytes)]),
    out,
    limits === undefined ? {} : { limits },
  );
  return { out, result };
}

async function leftovers(): Promise<string[]> {
  return (await readdir(work)).filter((f) => f.startsWith("."));
}

describe("entryComponents", () => {
  const cases: { name: string; input: string; want?: string[]; code?: string }[] = [
    { name: "root", input: ".", want: [] },
    { name: "dir with slash", input: "a/b/", want: ["a", "b"] },
    { name: "dot prefix", input: "./a/./b", want: ["a", "b"] },
    { name: "dotdot", input: "a/../../b", code: "UNSAFE_PATH" },
    { name: "bare dotdot", input: "..", code: "UNSAFE_PATH" },
    { name: "absolute", input: "/etc/passwd", code: "UNSAFE_PATH" },
    { name: "backslash", input: "a\\..\\b", code: "UNSAFE_PATH" },
    { name: "empty", input: "", code: "UNSAFE_PATH" },
  ];
  for (const c of cases) {
    test(c.name, () => {
      if (c.code === undefined) assert.deepEqual(entryComponents(c.input), c.want);
      else
        assert.throws(
          () => entryComponents(c.input),
          (e: unknown) => e instanceof ArtifactError && e.code === c.code,
        );
    });
  }
});

describe("extractTarGz", () => {
  test("extracts files, directories, modes; root entry tolerated; hard link inside copied; symlink inside skipped", async () => {
    const { out, result } = await extract(
      rawTarGz([
        { name: ".", type: "5" },
        { name: "deploy", type: "5", mode: 0o750 },
        { name: "deploy/app.yaml", data: "kind: Deployment\n", mode: 0o644 },
        { name: "run.sh", data: "#!/bin/sh\n", mode: 0o755 },
        { name: "implicit/dir/file", data: "x" },
        { name: "copy.yaml", type: "1", linkname: "deploy/app.yaml" },
        { name: "link", type: "2", linkname: "deploy/app.yaml" },
      ]),
    );
    assert.equal(result.entries, 7);
    assert.equal(await readFile(join(out, "deploy/app.yaml"), "utf8"), "kind: Deployment\n");
    assert.equal(await readFile(join(out, "copy.yaml"), "utf8"), "kind: Deployment\n");
    assert.equal((await lstat(join(out, "run.sh"))).mode & 0o777, 0o755);
    assert.equal(await readFile(join(out, "implicit/dir/file"), "utf8"), "x");
    await assert.rejects(lstat(join(out, "link")), { code: "ENOENT" });
    assert.deepEqual(await leftovers(), []);
  });

  const hostile: { name: string; entries: RawEntry[]; code: string; message?: RegExp }[] = [
    {
      name: "dotdot path",
      entries: [{ name: "../evil", data: "x" }],
      code: "UNSAFE_PATH",
      message: /unsafe path "..\/evil" in archive: contains \.\./,
    },
    { name: "nested dotdot", entries: [{ name: "a/../../evil", data: "x" }], code: "UNSAFE_PATH" },
    {
      name: "absolute path",
      entries: [{ name: "/tmp/evil", data: "x" }],
      code: "UNSAFE_PATH",
      message: /absolute path/,
    },
    {
      name: "symlink outside (absolute)",
      entries: [{ name: "l", type: "2", linkname: "/etc/passwd" }],
      code: "UNSAFE_LINK",
    },
    {
      name: "symlink outside (relative)",
      entries: [{ name: "a/l", type: "2", linkname: "../../x" }],
      code: "UNSAFE_LINK",
      message: /symlink "a\/l" -> "..\/..\/x" points outside the target/,
    },
    { name: "hard link outside", entries: [{ name: "l", type: "1", linkname: "../x" }], code: "UNSAFE_LINK" },
    {
      name: "hard link to nothing",
      entries: [{ name: "l", type: "1", linkname: "missing" }],
      code: "UNSAFE_LINK",
    },
    {
      name: "char device",
      entries: [{ name: "null", type: "3" }],
      code: "UNSUPPORTED_ENTRY",
      message: /unsupported entry "null" in archive: character-device/,
    },
    { name: "block device", entries: [{ name: "sda", type: "4" }], code: "UNSUPPORTED_ENTRY" },
    { name: "fifo", entries: [{ name: "pipe", type: "6" }], code: "UNSUPPORTED_ENTRY" },
    {
      name: "file over directory",
      entries: [
        { name: "d", type: "5" },
        { name: "d/f", data: "1" },
        { name: "d", data: "x" },
      ],
      code: "DUPLICATE_ENTRY",
      message: /a file would replace a directory/,
    },
    {
      name: "directory over file",
      entries: [
        { name: "d", data: "x" },
        { name: "d", type: "5" },
      ],
      code: "DUPLICATE_ENTRY",
    },
    {
      name: "file over file",
      entries: [
        { name: "f", data: "1" },
        { name: "f", data: "2" },
      ],
      code: "DUPLICATE_ENTRY",
    },
    {
      name: "path through a file",
      entries: [
        { name: "f", data: "1" },
        { name: "f/g", data: "2" },
      ],
      code: "DUPLICATE_ENTRY",
    },
  ];
  for (const c of hostile) {
    test(`rejects ${c.name} and leaves nothing behind`, async () => {
      const out = join(work, `hostile-${n++}`);
      await assert.rejects(extractTarGz(Readable.from([rawTarGz(c.entries)]), out), (e: unknown) => {
        assert.ok(e instanceof ArtifactError, String(e));
        assert.equal(e.code, c.code);
        if (c.message !== undefined) assert.match(e.message, c.message);
        return true;
      });
      await assert.rejects(lstat(out), { code: "ENOENT" });
      assert.deepEqual(await leftovers(), []);
    });
  }

  test("entry cap", async () => {
    const entries = Array.from({ length: 11 }, (_, i) => ({ name: `f${i}`, data: "x" }));
    await assert.rejects(extract(rawTarGz(entries), { extractedBytes: 1 << 20, extractedEntries: 10 }), {
      code: "TOO_MANY_ENTRIES",
    });
    assert.deepEqual(await leftovers(), []);
  });

  test("byte cap", async () => {
    await assert.rejects(
      extract(rawTarGz([{ name: "big", data: Buffer.alloc(2048) }]), {
        extractedBytes: 1024,
        extractedEntries: 10,
      }),
      { code: "TOO_LARGE" },
    );
  });

  test("gzip bomb stops while streaming", async () => {
    const bomb = gzipBomb(16); // 1 GiB expanded, about 1 MiB compressed
    let consumed = 0;
    const chunks = function* () {
      for (let at = 0; at < bomb.bytes.length; at += 16 * 1024) {
        const c = bomb.bytes.subarray(at, at + 16 * 1024);
        consumed += c.length;
        yield c;
      }
    };
    const out = join(work, `bomb-${n++}`);
    await assert.rejects(
      extractTarGz(Readable.from(chunks()), out, {
        limits: { extractedBytes: 8 << 20, extractedEntries: 10 },
      }),
      { code: "TOO_LARGE" },
    );
    assert.ok(consumed < bomb.bytes.length / 2, `read ${consumed} of ${bomb.bytes.length} compressed bytes`);
    assert.deepEqual(await leftovers(), []);
  });

  test("zeros after the archive are capped too", async () => {
    const tarBytes = Buffer.concat([rawTar([{ name: "a", data: "x" }]), Buffer.alloc(4 << 20)]);
    await assert.rejects(extract(gzipSync(tarBytes), { extractedBytes: 1024, extractedEntries: 10 }), {
      code: "TOO_LARGE",
    });
  });

  test("not gzip", async () => {
    await assert.rejects(extract(Buffer.from("plain text, not gzip")), { code: "INVALID_ARCHIVE" });
    assert.deepEqual(await leftovers(), []);
  });

  test("output must be absent or empty", async () => {
    const { out } = await extract(rawTarGz([{ name: "a", data: "x" }]));
    await assert.rejects(extractTarGz(Readable.from([rawTarGz([{ name: "b", data: "y" }])]), out), {
      code: "OUTPUT_EXISTS",
    });
  });
});
