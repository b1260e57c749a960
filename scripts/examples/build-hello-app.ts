// SPDX-License-Identifier: Apache-2.0
// Builds examples/hello-app/layout with ocisync itself: the sample tenant app pushed as Flux artifacts at several
// versions into an OCI image layout, and signed with the example key in examples/keys (password: empty) —
// except 1.3.0, the newest, which is left unsigned so that `sync` must refuse it.
// Run: node scripts/examples/build-hello-app.ts
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { main } from "../../src/cli/index.ts";

const ROOT = resolve(import.meta.dirname, "../..");
const LAYOUT = join(ROOT, "examples/hello-app/layout");
const KEY = join(ROOT, "examples/keys/cosign.key");
/** [tag, app version, signed]; in push order. */
const VERSIONS: readonly (readonly [string, string, boolean])[] = [
  ["0.9.0", "0.9.0", true],
  ["1.0.0", "1.0.0", true],
  ["v1.1.0", "1.1.0", true],
  ["1.1.1", "1.1.1", true],
  ["1.2.0-rc.1", "1.2.0-rc.1", true],
  ["1.3.0", "1.3.0", false],
  ["main-4f2a91c", "1.3.0-dev", true],
];

async function ocisync(args: string[]): Promise<void> {
  const err: string[] = [];
  const io = {
    stdout: { write: () => true },
    stderr: { write: (s: string) => err.push(s) },
    env: { COSIGN_PASSWORD: "", PATH: process.env.PATH ?? "" },
    cwd: ROOT,
    homedir: "/nonexistent",
  };
  const code = await main(args, io);
  if (code !== 0) throw new Error(`ocisync ${args.join(" ")} failed (${code}): ${err.join("")}`);
}

rmSync(LAYOUT, { recursive: true, force: true });
const template = readFileSync(join(ROOT, "examples/hello-app/src/app.yaml"), "utf8");
for (const [tag, version, signed] of VERSIONS) {
  const dir = mkdtempSync(join(tmpdir(), "hello-app-"));
  try {
    writeFileSync(join(dir, "app.yaml"), template.replaceAll("${APP_VERSION}", version));
    const url = `oci-layout://${LAYOUT}:${tag}`;
    await ocisync([
      "push",
      dir,
      url,
      "--reproducible",
      "--source",
      "https://github.com/example/hello-app",
      "--revision",
      `v${version}@sha1:${"0".repeat(40)}`,
    ]);
    if (signed) await ocisync(["sign", url, "--key", KEY]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
await ocisync(["tag", `oci-layout://${LAYOUT}:1.1.1`, "latest"]);
process.stdout.write(`wrote ${LAYOUT}\n`);
