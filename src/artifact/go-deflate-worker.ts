// SPDX-License-Identifier: Apache-2.0
/**
 * The thread side of {@link goGzipInWorker}: one Go-identical deflater per worker. Each message is a chunk of tar
 * bytes (`buf`, of which the first `len` count) or `null` for the end; each reply carries the compressed output
 * it produced, in order, and hands `buf` back for reuse (the deflater copies what it keeps into its window).
 */
import { parentPort } from "node:worker_threads";
import { GoDeflater } from "./go-deflate.ts";

/** A chunk to compress. */
export interface DeflateRequest {
  readonly buf: ArrayBuffer;
  readonly len: number;
}

/** The output of one request, and its input buffer back. */
export interface DeflateReply {
  readonly out: Uint8Array[];
  readonly buf?: ArrayBuffer;
}

const port = parentPort;
if (port === null) throw new Error("go-deflate-worker runs as a worker thread");
const deflater = new GoDeflater();
port.on("message", (req: DeflateRequest | null) => {
  const out = req === null ? deflater.close() : deflater.write(new Uint8Array(req.buf, 0, req.len));
  const moved = out.map((o) => o.buffer as ArrayBuffer);
  const reply: DeflateReply = req === null ? { out } : { out, buf: req.buf };
  port.postMessage(reply, req === null ? moved : [...moved, req.buf]);
});
