// SPDX-License-Identifier: Apache-2.0
// `ocisync trusted-root update` through TUF, against a real TUF repository served on loopback.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { ocisync } from "./support/cli.ts";
import { startTufRepo, type TufRepo } from "./support/tuf-repo.ts";

describe("ocisync trusted-root update (TUF)", () => {
  let dir: string;
  let repo: TufRepo;
  let root: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "ocisync-tuf-test-"));
    root = await readFile(new URL("../src/verify/trusted-root.public-good.json", import.meta.url), "utf8");
    repo = await startTufRepo(root);
    await writeFile(join(dir, "root.json"), repo.rootJson);
  });
  after(async () => {
    await repo.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test("fetches trusted_root.json through verified TUF metadata and writes it", async () => {
    const out = join(dir, "fetched.json");
    const r = await ocisync([
      "trusted-root",
      "update",
      "--tuf-mirror",
      repo.url,
      "--tuf-root",
      join(dir, "root.json"),
      "--output-file",
      out,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await readFile(out, "utf8"), root);
    assert.match(r.stderr, /trusted root from TUF http:\/\/127\.0\.0\.1:\d+ written to/);
    const shown = await ocisync(["trusted-root", "show", "-o", "json", "--trusted-root", out]);
    assert.equal(shown.code, 0, shown.stderr);
  });

  test("a target that does not match its signed hash is refused and nothing is written", async () => {
    repo.tamper("/targets/trusted_root.json", root.replace("rekor", "rek0r"));
    const out = join(dir, "tampered.json");
    const r = await ocisync([
      "trusted-root",
      "update",
      "--tuf-mirror",
      repo.url,
      "--tuf-root",
      join(dir, "root.json"),
      "--output-file",
      out,
    ]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /TUF_REFRESH_FAILED/);
    await assert.rejects(readFile(out), /ENOENT/);
  });

  test("metadata signed by a key the initial root does not trust is refused", async () => {
    const other = await startTufRepo(root);
    try {
      const r = await ocisync([
        "trusted-root",
        "update",
        "--tuf-mirror",
        other.url,
        "--tuf-root",
        join(dir, "root.json"),
        "--output-file",
        join(dir, "x.json"),
      ]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /TUF_REFRESH_FAILED/);
    } finally {
      await other.stop();
    }
  });
});
