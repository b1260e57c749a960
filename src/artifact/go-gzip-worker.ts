// SPDX-License-Identifier: Apache-2.0
/**
 * Go-identical gzip with the deflater on a worker thread, so that reading files, building the tar and hashing
 * (this thread) overlap with compression (the worker): the same bytes as {@link goGzipStream}, in less wall time
 * on a machine with a second core. At most {@link IN_FLIGHT} chunks wait for the worker, in buffers that go back
 * and forth between the threads instead of becoming garbage, and compressed output is yielded only as fast as
 * the consumer takes it, so memory stays bounded.
 */
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { crc32 } from "node:zlib";
import { GO_GZIP_HEADER, goGzipTrailer } from "./go-deflate.ts";
import type { DeflateReply, DeflateRequest } from "./go-deflate-worker.ts";

/** Tar chunks handed to the worker and not yet compressed, at most. */
const IN_FLIGHT = 4;

/** The worker's module: `.ts` when running from the sources, `.js` from dist. */
const WORKER_URL = new URL(`./go-deflate-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/** A `pipeline` stage: gzips its source exactly as Go's `gzip.NewWriter` at the default level. */
export async function* goGzipInWorker(source: AsyncIterable<Buffer>): AsyncGenerator<Uint8Array> {
  const worker = new Worker(WORKER_URL);
  const replies: Uint8Array[][] = [];
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const pool: ArrayBuffer[] = [];
  worker.on("message", (reply: DeflateReply) => {
    if (reply.buf !== undefined) pool.push(reply.buf);
    replies.push(reply.out);
    notify();
  });
  worker.on("error", (err) => {
    failure ??= err;
    notify();
  });
  worker.on("exit", (code) => {
    failure ??= new Error(`the gzip worker exited (code ${String(code)})`);
    notify();
  });
  const reply = async (): Promise<Uint8Array[]> => {
    for (;;) {
      const out = replies.shift();
      if (out !== undefined) return out;
      if (failure !== undefined)
        throw failure instanceof Error ? failure : new Error("the gzip worker failed");
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  };
  try {
    yield Buffer.from(GO_GZIP_HEADER);
    let crc = 0;
    let size = 0;
    let pending = 0;
    for await (const chunk of source) {
      crc = crc32(chunk, crc);
      size = (size + chunk.length) >>> 0;
      let buf = pool.pop();
      if (buf === undefined || buf.byteLength < chunk.length)
        buf = new ArrayBuffer(Math.max(chunk.length, 1 << 20));
      new Uint8Array(buf, 0, chunk.length).set(chunk);
      const req: DeflateRequest = { buf, len: chunk.length };
      worker.postMessage(req, [buf]);
      pending++;
      while (pending >= IN_FLIGHT || (pending > 0 && replies.length > 0)) {
        pending--;
        yield* await reply();
      }
    }
    worker.postMessage(null);
    for (; pending >= 0; pending--) yield* await reply();
    yield goGzipTrailer(crc, size);
  } finally {
    await worker.terminate();
  }
}
