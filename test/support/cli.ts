// SPDX-License-Identifier: Apache-2.0
// Runs the real `ocisync` executable as a child process, as users do.
import { execFile } from "node:child_process";
import { resolve } from "node:path";

/** What one CLI run printed and how it exited. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const BIN = resolve(import.meta.dirname, "../../bin/ocisync.js");

/** Runs `ocisync ...args` with Node 24 (this process's node), no TTY, and an isolated HOME unless given. */
export function ocisync(
  args: readonly string[],
  opts: { env?: Record<string, string>; cwd?: string; input?: string } = {},
): Promise<CliRun> {
  return new Promise((done) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      {
        env: { PATH: process.env.PATH ?? "", HOME: "/nonexistent-home", NO_COLOR: "1", ...opts.env },
        cwd: opts.cwd,
        maxBuffer: 64 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === "number" ? err.code : 1;
        done({ code, stdout, stderr });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}
