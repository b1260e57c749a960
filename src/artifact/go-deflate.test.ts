// SPDX-License-Identifier: Apache-2.0
// Go's compress/gzip output, byte for byte: digests below were produced by Go 1.26 `gzip.NewWriter` (default
// level) on the same inputs; test/artifact-interop.test.ts checks whole layers against the real flux.
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { describe, test } from "node:test";
import { gunzipSync } from "node:zlib";
import { sha256Of } from "../core/index.ts";
import { goGzip, goGzipStream } from "./go-deflate.ts";

/** Deterministic inputs that exercise stored, fixed and dynamic blocks and the window slide. */
function goldenInputs(): Record<string, Buffer> {
  let s = 0x2545f491;
  const rnd = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
  const words = [
    "apiVersion",
    "kind",
    "metadata",
    "name",
    "spec",
    "replicas",
    "image",
    "containers",
    ": ",
    "\n  ",
    "- ",
    "true",
    "1.2.3",
  ];
  const text = Buffer.from(Array.from({ length: 400_000 }, () => words[rnd() % words.length]).join(""));
  const random = Buffer.from(Array.from({ length: 200_000 }, () => rnd() & 0xff));
  const mixed = Buffer.concat([
    text.subarray(0, 100_000),
    random.subarray(0, 70_000),
    Buffer.alloc(300_000),
    text.subarray(100_000),
  ]);
  return {
    empty: Buffer.alloc(0),
    one: Buffer.from("a"),
    short: Buffer.from("hello hello hello hello\n"),
    text,
    random,
    mixed,
  };
}

const GO: Record<string, { sha256: string; size: number }> = {
  empty: { sha256: "30e6fa98fb48c2b132824d1ac5e2243c0be9e9082ff32598d34d7687ca7f6c7f", size: 23 },
  one: { sha256: "f1a7c8e8de042bc4fa970708757b62042de31814df7516c674d1379535f4ec21", size: 25 },
  short: { sha256: "504b50d817b22c75b23a109ed4db8bba55a733b2a23341a1ab34be677bf10bd7", size: 33 },
  text: { sha256: "2687b215825b0bff961994aa9e5f57e640927ecc2743d5e7b95152afa5cefc6f", size: 335460 },
  random: { sha256: "24028e26a2ebe1d2c7236463404a11e75d33ad6f1324dab44a7ee1b810fed690", size: 200088 },
  mixed: { sha256: "be86ed0a367bdcb9e62f1503709c91ee7e801d91b419a622603907c157115c0d", size: 410285 },
};

describe("goGzip (Go compress/gzip, default level)", () => {
  const inputs = goldenInputs();
  for (const [name, want] of Object.entries(GO)) {
    test(name, async () => {
      const data = inputs[name] ?? Buffer.alloc(0);
      const gz = goGzip(data);
      assert.equal(gz.length, want.size);
      assert.equal(sha256Of(gz), `sha256:${want.sha256}`);
      assert.deepEqual(gunzipSync(gz), data);
      // Streaming in odd chunk sizes gives the same bytes (Go's tokens do not depend on write sizes).
      const chunks = [];
      for (let at = 0, step = 1; at < data.length; at += step, step = (step * 7 + 3) % 70_001)
        chunks.push(data.subarray(at, at + step));
      assert.deepEqual(await buffer(Readable.from(chunks).pipe(goGzipStream())), gz);
    });
  }
});
