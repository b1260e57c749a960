// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { test } from "node:test";
import type { CliIo } from "./io.ts";
import { progressBar } from "./progress.ts";

function io(isTTY: boolean): { io: CliIo; err: string[] } {
  const err: string[] = [];
  return {
    io: {
      stdout: { write: () => true },
      stderr: { write: (s: string) => err.push(s), isTTY },
      env: {},
      cwd: "/",
      homedir: "/",
    },
    err,
  };
}

const cases: { name: string; tty: boolean; want: string[] }[] = [
  { name: "not a TTY: silent", tty: false, want: [] },
  {
    name: "TTY: draws and clears",
    tty: true,
    want: [
      "\r\x1b[2Kpush packing",
      `\r\x1b[2Kpush [###############...............] 1.0 MiB / 2.0 MiB 50%`,
      `\r\x1b[2Kpush [##############################] 2.0 MiB / 2.0 MiB 100%`,
      "\r\x1b[2K",
    ],
  },
];
for (const c of cases) {
  test(c.name, () => {
    const { io: x, err } = io(c.tty);
    let t = 0;
    const bar = progressBar(x, "push", { now: () => (t += 200) });
    bar.phase("packing");
    bar.update(1 << 20, 2 << 20);
    bar.update(2 << 20, 2 << 20);
    bar.done();
    assert.deepEqual(err, c.want);
  });
}
