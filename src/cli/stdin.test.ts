// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { test } from "node:test";
import { ConfigError } from "../core/index.ts";
import type { CliIo } from "./io.ts";
import { readCapped, stdinOption } from "./stdin.ts";

test("readCapped joins the chunks as UTF-8 text, up to the cap", async () => {
  const euro = Buffer.from("€", "utf8");
  const chunks = [Buffer.from("a: "), euro.subarray(0, 1), euro.subarray(1), Buffer.from("\n")];
  assert.equal(await readCapped(Readable.from(chunks), 7), "a: €\n");
  assert.equal(await readCapped(Readable.from([]), 0), "");
});

test("readCapped fails once past the cap and stops reading an endless stream", async () => {
  let pulled = 0;
  const endless = Readable.from(
    (function* () {
      for (;;) {
        pulled++;
        yield Buffer.alloc(1024, 0x23);
      }
    })(),
  );
  await assert.rejects(
    readCapped(endless, 10 * 1024),
    (e: unknown) =>
      e instanceof ConfigError &&
      e.code === "INVALID_ARGUMENT" &&
      e.message === "input is larger than 10240 bytes",
  );
  assert.ok(pulled < 64, `pulled ${pulled} chunks`);
  assert.equal(endless.destroyed, true);
});

test("stdinOption: a reader only for -, none without a stdin, - twice is a usage error", async () => {
  const io = (stdin?: Readable): CliIo => ({
    stdout: { write: () => true },
    stderr: { write: () => true },
    env: {},
    cwd: "/",
    homedir: "/",
    ...(stdin === undefined ? {} : { stdin }),
  });
  assert.deepEqual(stdinOption(io(Readable.from([])), ["a.yaml"]), {});
  assert.deepEqual(stdinOption(io(), ["-"]), {});
  const read = stdinOption(io(Readable.from([Buffer.from("kind: X\n")])), ["a.yaml", "-"]).stdin;
  assert.equal(await read?.(100), "kind: X\n");
  assert.throws(
    () => stdinOption(io(Readable.from([])), ["-", "a.yaml", "-"]),
    (e: unknown) => e instanceof ConfigError && e.code === "INVALID_ARGUMENT",
  );
});
