// SPDX-License-Identifier: Apache-2.0
// Signing and verification in an OCI image layout directory (air-gapped use): both formats, through the CLI.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { LayoutRepository } from "../src/oci/index.ts";
import { ocisync } from "./support/cli.ts";
import { pushArtifact } from "./support/sigstore-fixtures.ts";

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "ocisync-verify-layout-"));
});
after(() => rm(dir, { recursive: true, force: true }));

test("sign --key in both formats into a layout; verify with the right key, reject with another", async () => {
  const env = { COSIGN_PASSWORD: "layout" };
  for (const prefix of ["a", "b"]) {
    const r = await ocisync(["generate-key-pair", "--output-key-prefix", prefix], { cwd: dir, env });
    assert.equal(r.code, 0, r.stderr);
  }
  const layout = join(dir, "layout");
  const subject = await pushArtifact(new LayoutRepository(layout), "air-gapped", "1.0.0");
  const url = `oci-layout://${layout}:1.0.0`;
  for (const flags of [[], ["--legacy"]]) {
    const r = await ocisync(["sign", "--key", join(dir, "a.key"), ...flags, url], { env });
    assert.equal(r.code, 0, r.stderr);
  }
  const ok = await ocisync(["verify", "-o", "json", "--key", join(dir, "a.pub"), url]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal((JSON.parse(ok.stdout) as { digest: string }).digest, subject.digest);
  const bad = await ocisync(["verify", "-o", "json", "--key", join(dir, "b.pub"), url]);
  assert.equal(bad.code, 3);
  const out = JSON.parse(bad.stdout) as { code: string; formatsFound: string[]; failures: unknown[] };
  assert.equal(out.code, "SIGNATURE_INVALID");
  assert.deepEqual(out.formatsFound, ["bundle", "legacy"]);
  assert.equal(out.failures.length, 2);
});
