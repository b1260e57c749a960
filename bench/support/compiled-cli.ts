// SPDX-License-Identifier: Apache-2.0
// The CLI as the package ships it, for benchmarks: src/ compiled once into a private snapshot with the real
// launcher (bin/ocisync.js, which sees no src/ beside it and runs dist/), so timings are neither type-stripping
// start-up nor affected by edits to src/ during the run.
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";

/** A compiled snapshot of the CLI: run `node <bin> ARGS`; `remove()` deletes it. */
export interface CompiledCli {
  readonly bin: string;
  remove(): Promise<void>;
}

/** Compiles the CLI under node_modules/.cache (inside the repository, so its packages resolve). */
export async function compiledCli(): Promise<CompiledCli> {
  const root = resolve(import.meta.dirname, "../..");
  await mkdir(join(root, "node_modules", ".cache"), { recursive: true });
  const snap = await mkdtemp(join(root, "node_modules", ".cache", "ocisync-bench-"));
  const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
  const args = [tsc, "-p", join(root, "tsconfig.build.json"), "--outDir", join(snap, "dist")];
  await new Promise<void>((ok, fail) => {
    execFile(process.execPath, [...args, "--declaration", "false", "--sourceMap", "false"], (err, stdout) => {
      if (err) fail(new Error(`tsc failed: ${stdout.slice(0, 2000)}`, { cause: err }));
      else ok();
    });
  });
  await writeFile(join(snap, "dist", ".build-stamp"), new Date().toISOString());
  await writeFile(join(snap, "package.json"), '{"type":"module"}\n');
  await mkdir(join(snap, "bin"));
  await copyFile(join(root, "bin", "ocisync.js"), join(snap, "bin", "ocisync.js"));
  return {
    bin: join(snap, "bin", "ocisync.js"),
    remove: () => rm(snap, { recursive: true, force: true }),
  };
}
