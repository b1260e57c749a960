// SPDX-License-Identifier: Apache-2.0
/**
 * Go's `compress/gzip` at the default level, byte for byte: a port of `compress/flate` level 6 (hash chains
 * over 4-byte hashes, lazy matching, blocks of 2^14 tokens, Go's own Huffman code construction and its choice
 * between stored, fixed and dynamic blocks) behind Go's gzip header and trailer. `flux push artifact` writes its
 * layer with it, so a layer packed through this encoder has Flux's exact digest. Written by hand because no
 * library reproduces Go's encoder (zlib and pako make different, equally valid, streams); used for
 * `--reproducible`, where the digest matters more than speed. https://go.dev/src/compress/flate/deflate.go
 */
import { Transform, type TransformCallback } from "node:stream";
import { crc32 } from "node:zlib";
import { BitWriter } from "./go-bit-writer.ts";
import { LENGTH_SHIFT, MATCH_TYPE, MAX_INT32 } from "./go-huffman.ts";

const WINDOW_SIZE = 1 << 15;
const WINDOW_MASK = WINDOW_SIZE - 1;
const MIN_MATCH = 4;
const MAX_MATCH = 258;
const BASE_MATCH = 3;
const MAX_FLATE_BLOCK_TOKENS = 1 << 14;
const HASH_BITS = 17;
const HASH_MASK = (1 << HASH_BITS) - 1;
const MAX_HASH_OFFSET = 1 << 24;
// Level 6: good, lazy, nice, chain.
const GOOD = 8;
const LAZY = 16;
const NICE = 128;
const CHAIN = 128;

const HASH_MUL = 0x1e35a7bd;

function hash4(w: Uint8Array, i: number): number {
  const x = (w[i + 3] ?? 0) | ((w[i + 2] ?? 0) << 8) | ((w[i + 1] ?? 0) << 16) | ((w[i] ?? 0) << 24) | 0;
  return Math.imul(x, HASH_MUL) >>> (32 - HASH_BITS);
}

/** Go's `compressor` at level 6 (`fillDeflate` + `deflate`), streaming. */
export class GoDeflater {
  private readonly w = new BitWriter();
  private readonly window = new Uint8Array(2 * WINDOW_SIZE);
  private readonly hashHead = new Uint32Array(1 << HASH_BITS);
  private readonly hashPrev = new Uint32Array(WINDOW_SIZE);
  private readonly tokens = new Uint32Array(MAX_FLATE_BLOCK_TOKENS + 1);
  private ntokens = 0;
  private hashOffset = 1;
  private index = 0;
  private windowEnd = 0;
  private blockStart = 0;
  private byteAvailable = false;
  private sync = false;
  private length = MIN_MATCH - 1;
  private offset = 0;
  private maxInsertIndex = 0;
  private chainHead = -1;
  private matchLength = 0;
  private matchOffset = 0;

  /** Compresses `b`; returns the output produced so far. */
  write(b: Uint8Array): Uint8Array[] {
    let rest = b;
    while (rest.length > 0) {
      this.deflate();
      rest = rest.subarray(this.fill(rest));
    }
    return this.take();
  }

  /** Ends the stream (Go's `close`: pending tokens, then an empty final stored block). */
  close(): Uint8Array[] {
    this.sync = true;
    this.deflate();
    this.w.writeStoredHeader(0, true);
    this.w.flush();
    return this.take();
  }

  private take(): Uint8Array[] {
    this.w.drain();
    return this.w.out.splice(0);
  }

  private fill(b: Uint8Array): number {
    if (this.index >= 2 * WINDOW_SIZE - (MIN_MATCH + MAX_MATCH)) {
      this.window.copyWithin(0, WINDOW_SIZE, 2 * WINDOW_SIZE);
      this.index -= WINDOW_SIZE;
      this.windowEnd -= WINDOW_SIZE;
      this.blockStart = this.blockStart >= WINDOW_SIZE ? this.blockStart - WINDOW_SIZE : MAX_INT32;
      this.hashOffset += WINDOW_SIZE;
      if (this.hashOffset > MAX_HASH_OFFSET) {
        const delta = this.hashOffset - 1;
        this.hashOffset -= delta;
        this.chainHead -= delta;
        for (let i = 0; i < this.hashPrev.length; i++) {
          const v = this.hashPrev[i] ?? 0;
          this.hashPrev[i] = v > delta ? v - delta : 0;
        }
        for (let i = 0; i < this.hashHead.length; i++) {
          const v = this.hashHead[i] ?? 0;
          this.hashHead[i] = v > delta ? v - delta : 0;
        }
      }
    }
    const n = Math.min(b.length, this.window.length - this.windowEnd);
    this.window.set(b.subarray(0, n), this.windowEnd);
    this.windowEnd += n;
    return n;
  }

  private writeBlock(index: number): void {
    if (index > 0) {
      const input = this.blockStart <= index ? this.window.subarray(this.blockStart, index) : undefined;
      this.blockStart = index;
      this.w.writeBlock(this.tokens, this.ntokens, false, input);
    }
    this.ntokens = 0;
  }

  /** Go's `findMatch`; the match found is left in `matchLength`/`matchOffset` (no allocation per call). */
  private findMatch(pos: number, prevHead: number, prevLength: number, lookahead: number): boolean {
    const win = this.window;
    const minMatchLook = Math.min(MAX_MATCH, lookahead);
    const nice = Math.min(minMatchLook, NICE);
    let tries = CHAIN;
    let length = prevLength;
    if (length >= GOOD) tries >>= 2;
    let wEnd = win[pos + length];
    const minIndex = pos - WINDOW_SIZE;
    let found = false;
    const hashPrev = this.hashPrev;
    const hashOffset = this.hashOffset;
    for (let i = prevHead; tries > 0; tries--) {
      if (wEnd === win[i + length]) {
        let n = 0;
        while (n < minMatchLook && win[i + n] === win[pos + n]) n++;
        if (n > length && (n > MIN_MATCH || pos - i <= 4096)) {
          length = n;
          this.matchLength = n;
          this.matchOffset = pos - i;
          found = true;
          if (n >= nice) break;
          wEnd = win[pos + n];
        }
      }
      if (i === minIndex) break;
      i = (hashPrev[i & WINDOW_MASK] ?? 0) - hashOffset;
      if (i < minIndex || i < 0) break;
    }
    return found;
  }

  /** Go's `deflate` step (level 6: lazy matching); state lives in locals inside the loop and is written back. */
  private deflate(): void {
    if (this.windowEnd - this.index < MIN_MATCH + MAX_MATCH && !this.sync) return;
    const windowEnd = this.windowEnd;
    const maxInsertIndex = windowEnd - (MIN_MATCH - 1);
    this.maxInsertIndex = maxInsertIndex;
    const win = this.window;
    const hashHead = this.hashHead;
    const hashPrev = this.hashPrev;
    const hashOffset = this.hashOffset;
    const tokens = this.tokens;
    let index = this.index;
    let length = this.length;
    let offset = this.offset;
    let byteAvailable = this.byteAvailable;
    let chainHead = this.chainHead;
    const flushAt = (at: number) => {
      this.writeBlock(at);
    };
    for (;;) {
      const lookahead = windowEnd - index;
      if (lookahead < MIN_MATCH + MAX_MATCH) {
        if (!this.sync) break;
        if (lookahead === 0) {
          if (byteAvailable) {
            tokens[this.ntokens++] = win[index - 1] ?? 0;
            byteAvailable = false;
          }
          if (this.ntokens > 0) flushAt(index);
          break;
        }
      }
      if (index < maxInsertIndex) {
        const h = hash4(win, index) & HASH_MASK;
        chainHead = hashHead[h] ?? 0;
        hashPrev[index & WINDOW_MASK] = chainHead;
        hashHead[h] = index + hashOffset;
      }
      const prevLength = length;
      const prevOffset = offset;
      length = MIN_MATCH - 1;
      offset = 0;
      const minIndex = index - WINDOW_SIZE > 0 ? index - WINDOW_SIZE : 0;
      if (chainHead - hashOffset >= minIndex && lookahead > prevLength && prevLength < LAZY) {
        if (this.findMatch(index, chainHead - hashOffset, MIN_MATCH - 1, lookahead)) {
          length = this.matchLength;
          offset = this.matchOffset;
        }
      }
      if (prevLength >= MIN_MATCH && length <= prevLength) {
        tokens[this.ntokens++] = MATCH_TYPE + ((prevLength - BASE_MATCH) << LENGTH_SHIFT) + (prevOffset - 1);
        const newIndex = index + prevLength - 1;
        let i = index + 1;
        // The same hash4 as Go computes at each position, rolled forward one byte at a time.
        let x = ((win[i] ?? 0) << 16) | ((win[i + 1] ?? 0) << 8) | (win[i + 2] ?? 0);
        for (; i < newIndex; i++) {
          x = (x << 8) | (win[i + 3] ?? 0);
          if (i < maxInsertIndex) {
            const h = (Math.imul(x, HASH_MUL) >>> (32 - HASH_BITS)) & HASH_MASK;
            hashPrev[i & WINDOW_MASK] = hashHead[h] ?? 0;
            hashHead[h] = i + hashOffset;
          }
        }
        index = i;
        byteAvailable = false;
        length = MIN_MATCH - 1;
        if (this.ntokens === MAX_FLATE_BLOCK_TOKENS) flushAt(index);
      } else {
        if (byteAvailable) {
          const i = index - 1;
          tokens[this.ntokens++] = win[i] ?? 0;
          if (this.ntokens === MAX_FLATE_BLOCK_TOKENS) flushAt(i + 1);
        }
        index++;
        byteAvailable = true;
      }
    }
    this.index = index;
    this.length = length;
    this.offset = offset;
    this.byteAvailable = byteAvailable;
    this.chainHead = chainHead;
  }
}

/** Go's gzip header with no name, mtime 0, default level (XFL 0), OS 255. */
export const GO_GZIP_HEADER = Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);

/** The gzip trailer: CRC-32 and size (mod 2^32) of the uncompressed bytes, little-endian. */
export function goGzipTrailer(crc: number, size: number): Buffer {
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE(size >>> 0, 4);
  return trailer;
}

/** A Transform that gzips exactly as Go's `gzip.NewWriter` at the default level. */
export function goGzipStream(): Transform {
  const d = new GoDeflater();
  let crc = 0;
  let size = 0;
  let started = false;
  return new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      if (!started) {
        started = true;
        this.push(Buffer.from(GO_GZIP_HEADER));
      }
      crc = crc32(chunk, crc);
      size = (size + chunk.length) >>> 0;
      for (const out of d.write(chunk)) this.push(out);
      cb();
    },
    flush(cb: TransformCallback) {
      if (!started) this.push(Buffer.from(GO_GZIP_HEADER));
      for (const out of d.close()) this.push(out);
      this.push(goGzipTrailer(crc, size));
      cb();
    },
  });
}

/** gzip of `data` as Go writes it (for tests and small inputs). */
export function goGzip(data: Uint8Array): Buffer {
  const d = new GoDeflater();
  return Buffer.concat([
    GO_GZIP_HEADER,
    ...d.write(data),
    ...d.close(),
    goGzipTrailer(crc32(data), data.length),
  ]);
}
