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

const WINDOW_SIZE = 1 << 15;
const WINDOW_MASK = WINDOW_SIZE - 1;
const MIN_MATCH = 4;
const MAX_MATCH = 258;
const BASE_MATCH = 3;
const MAX_FLATE_BLOCK_TOKENS = 1 << 14;
const MAX_STORE_BLOCK = 65535;
const HASH_BITS = 17;
const HASH_MASK = (1 << HASH_BITS) - 1;
const MAX_HASH_OFFSET = 1 << 24;
const MAX_INT32 = 0x7fffffff;
// Level 6: good, lazy, nice, chain.
const GOOD = 8;
const LAZY = 16;
const NICE = 128;
const CHAIN = 128;

const MATCH_TYPE = 1 << 30;
const LENGTH_SHIFT = 22;
const OFFSET_MASK = (1 << LENGTH_SHIFT) - 1;
const END_BLOCK = 256;
const LENGTH_CODES_START = 257;
const MAX_NUM_LIT = 286;
const OFFSET_CODE_COUNT = 30;
const CODEGEN_CODE_COUNT = 19;
const BAD_CODE = 255;

const LENGTH_EXTRA_BITS = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const LENGTH_BASE = [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 255];
const OFFSET_EXTRA_BITS = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
const OFFSET_BASE = [
  0x000000, 0x000001, 0x000002, 0x000003, 0x000004, 0x000006, 0x000008, 0x00000c, 0x000010, 0x000018, 0x000020, 0x000030, 0x000040, 0x000060,
  0x000080, 0x0000c0, 0x000100, 0x000180, 0x000200, 0x000300, 0x000400, 0x000600, 0x000800, 0x000c00, 0x001000, 0x001800, 0x002000, 0x003000,
  0x004000, 0x006000,
];
const CODEGEN_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/** Go's `lengthCodes` (xlength → code) and `offsetCodes` (small offset → code), derived from the base tables. */
const LENGTH_CODES = new Uint8Array(256);
const OFFSET_CODES = new Uint8Array(256);
for (let c = 0, x = 0; x < 256; x++) {
  while (c + 1 < LENGTH_BASE.length && (LENGTH_BASE[c + 1] ?? 0) <= x) c++;
  LENGTH_CODES[x] = c;
}
for (let c = 0, x = 0; x < 256; x++) {
  while (c + 1 < OFFSET_BASE.length && (OFFSET_BASE[c + 1] ?? 0) <= x) c++;
  OFFSET_CODES[x] = c;
}

function offsetCode(off: number): number {
  if (off < 256) return OFFSET_CODES[off] ?? 0;
  if (off >> 7 < 256) return (OFFSET_CODES[off >> 7] ?? 0) + 14;
  return (OFFSET_CODES[off >> 14] ?? 0) + 28;
}

function reverseBits(n: number, len: number): number {
  let v = (n << (16 - len)) & 0xffff;
  let r = 0;
  for (let i = 0; i < 16; i++) {
    r = (r << 1) | (v & 1);
    v >>= 1;
  }
  return r;
}

interface LiteralNode {
  readonly literal: number;
  readonly freq: number;
}

interface LevelInfo {
  level: number;
  lastFreq: number;
  nextCharFreq: number;
  nextPairFreq: number;
  needed: number;
}

/** Go's `huffmanEncoder`: length-limited codes from frequencies (package-merge variant in `bitCounts`). */
class HuffmanEncoder {
  readonly codes: Uint16Array;
  readonly lens: Uint8Array;
  constructor(size: number) {
    this.codes = new Uint16Array(size);
    this.lens = new Uint8Array(size);
  }

  bitLength(freq: Int32Array): number {
    let total = 0;
    for (let i = 0; i < freq.length; i++) {
      const f = freq[i] ?? 0;
      if (f !== 0) total += f * (this.lens[i] ?? 0);
    }
    return total;
  }

  generate(freq: Int32Array, maxBits: number): void {
    const list: LiteralNode[] = [];
    for (let i = 0; i < freq.length; i++) {
      const f = freq[i] ?? 0;
      if (f !== 0) list.push({ literal: i, freq: f });
      else this.lens[i] = 0;
    }
    if (list.length <= 2) {
      list.forEach((node, i) => {
        this.codes[node.literal] = i;
        this.lens[node.literal] = 1;
      });
      return;
    }
    list.sort((a, b) => a.freq - b.freq || a.literal - b.literal);
    this.assign(bitCounts(list, maxBits), list);
  }

  private assign(bitCount: Int32Array, sorted: LiteralNode[]): void {
    let list = sorted;
    let code = 0;
    for (let n = 0; n < bitCount.length; n++) {
      const bits = bitCount[n] ?? 0;
      code = (code << 1) & 0xffff;
      if (n === 0 || bits === 0) continue;
      const chunk = list.slice(list.length - bits).sort((a, b) => a.literal - b.literal);
      for (const node of chunk) {
        this.codes[node.literal] = reverseBits(code, n);
        this.lens[node.literal] = n;
        code = (code + 1) & 0xffff;
      }
      list = list.slice(0, list.length - bits);
    }
  }
}

function bitCounts(sorted: readonly LiteralNode[], maxBitsIn: number): Int32Array {
  const n = sorted.length;
  const list = [...sorted, { literal: 0xffff, freq: MAX_INT32 }];
  const f = (i: number) => list[i]?.freq ?? MAX_INT32;
  const maxBits = Math.min(maxBitsIn, n - 1);
  const levels: LevelInfo[] = Array.from({ length: 17 }, () => ({ level: 0, lastFreq: 0, nextCharFreq: 0, nextPairFreq: 0, needed: 0 }));
  const leaf = new Int32Array(17 * 17);
  for (let level = 1; level <= maxBits; level++) {
    levels[level] = { level, lastFreq: f(1), nextCharFreq: f(2), nextPairFreq: level === 1 ? MAX_INT32 : f(0) + f(1), needed: 0 };
    leaf[level * 17 + level] = 2;
  }
  const lv = (i: number): LevelInfo => levels[i] as LevelInfo;
  lv(maxBits).needed = 2 * n - 4;
  let level = maxBits;
  for (;;) {
    const l = lv(level);
    if (l.nextPairFreq === MAX_INT32 && l.nextCharFreq === MAX_INT32) {
      l.needed = 0;
      lv(level + 1).nextPairFreq = MAX_INT32;
      level++;
      continue;
    }
    const prevFreq = l.lastFreq;
    if (l.nextCharFreq < l.nextPairFreq) {
      const next = (leaf[level * 17 + level] ?? 0) + 1;
      l.lastFreq = l.nextCharFreq;
      leaf[level * 17 + level] = next;
      l.nextCharFreq = f(next);
    } else {
      l.lastFreq = l.nextPairFreq;
      leaf.copyWithin(level * 17, (level - 1) * 17, (level - 1) * 17 + level);
      lv(l.level - 1).needed = 2;
    }
    l.needed--;
    if (l.needed === 0) {
      if (l.level === maxBits) break;
      lv(l.level + 1).nextPairFreq = prevFreq + l.lastFreq;
      level++;
    } else {
      while (lv(level - 1).needed > 0) level--;
    }
  }
  const bitCount = new Int32Array(maxBits + 1);
  let bits = 1;
  for (let lvl = maxBits; lvl > 0; lvl--) {
    bitCount[bits] = (leaf[maxBits * 17 + lvl] ?? 0) - (leaf[maxBits * 17 + lvl - 1] ?? 0);
    bits++;
  }
  return bitCount;
}

const FIXED_LITERAL = new HuffmanEncoder(MAX_NUM_LIT);
for (let ch = 0; ch < MAX_NUM_LIT; ch++) {
  const [bits, size] = ch < 144 ? [ch + 48, 8] : ch < 256 ? [ch + 400 - 144, 9] : ch < 280 ? [ch - 256, 7] : [ch + 192 - 280, 8];
  FIXED_LITERAL.codes[ch] = reverseBits(bits, size);
  FIXED_LITERAL.lens[ch] = size;
}
const FIXED_OFFSET = new HuffmanEncoder(OFFSET_CODE_COUNT);
for (let ch = 0; ch < OFFSET_CODE_COUNT; ch++) {
  FIXED_OFFSET.codes[ch] = reverseBits(ch, 5);
  FIXED_OFFSET.lens[ch] = 5;
}

/** Go's `huffmanBitWriter` (LSB-first bits; output collected in chunks). */
class BitWriter {
  private bits = 0;
  private nbits = 0;
  private buf = new Uint8Array(64 * 1024);
  private n = 0;
  readonly out: Uint8Array[] = [];
  private readonly literalFreq = new Int32Array(MAX_NUM_LIT);
  private readonly offsetFreq = new Int32Array(OFFSET_CODE_COUNT);
  private readonly codegen = new Uint8Array(MAX_NUM_LIT + OFFSET_CODE_COUNT + 1);
  private readonly codegenFreq = new Int32Array(CODEGEN_CODE_COUNT);
  private readonly literalEncoding = new HuffmanEncoder(MAX_NUM_LIT);
  private readonly offsetEncoding = new HuffmanEncoder(OFFSET_CODE_COUNT);
  private readonly codegenEncoding = new HuffmanEncoder(CODEGEN_CODE_COUNT);

  private byte(b: number): void {
    if (this.n === this.buf.length) this.drain();
    this.buf[this.n++] = b;
  }

  /** Moves collected bytes to `out`. */
  drain(): void {
    if (this.n > 0) this.out.push(this.buf.slice(0, this.n));
    this.n = 0;
  }

  writeBits(value: number, nb: number): void {
    this.bits |= value << this.nbits;
    this.nbits += nb;
    while (this.nbits >= 8) {
      this.byte(this.bits & 0xff);
      this.bits >>>= 8;
      this.nbits -= 8;
    }
  }

  /** Pads to a byte boundary (Go's `flush`). */
  flush(): void {
    if (this.nbits > 0) this.byte(this.bits & 0xff);
    this.bits = 0;
    this.nbits = 0;
  }

  writeBytes(b: Uint8Array): void {
    for (const x of b) this.byte(x);
  }

  writeStoredHeader(length: number, eof: boolean): void {
    this.writeBits(eof ? 1 : 0, 3);
    this.flush();
    this.writeBits(length, 16);
    this.writeBits(~length & 0xffff, 16);
  }

  private indexTokens(tokens: Uint32Array, count: number): [number, number] {
    this.literalFreq.fill(0);
    this.offsetFreq.fill(0);
    for (let i = 0; i < count; i++) {
      const t = tokens[i] ?? 0;
      if (t < MATCH_TYPE) {
        this.literalFreq[t] = (this.literalFreq[t] ?? 0) + 1;
        continue;
      }
      const lc = LENGTH_CODES_START + (LENGTH_CODES[(t - MATCH_TYPE) >>> LENGTH_SHIFT] ?? 0);
      this.literalFreq[lc] = (this.literalFreq[lc] ?? 0) + 1;
      const oc = offsetCode(t & OFFSET_MASK);
      this.offsetFreq[oc] = (this.offsetFreq[oc] ?? 0) + 1;
    }
    let numLiterals = MAX_NUM_LIT;
    while (this.literalFreq[numLiterals - 1] === 0) numLiterals--;
    let numOffsets = OFFSET_CODE_COUNT;
    while (numOffsets > 0 && this.offsetFreq[numOffsets - 1] === 0) numOffsets--;
    if (numOffsets === 0) {
      this.offsetFreq[0] = 1;
      numOffsets = 1;
    }
    this.literalEncoding.generate(this.literalFreq, 15);
    this.offsetEncoding.generate(this.offsetFreq, 15);
    return [numLiterals, numOffsets];
  }

  private generateCodegen(numLiterals: number, numOffsets: number, lit: HuffmanEncoder, off: HuffmanEncoder): void {
    const cg = this.codegen;
    const freq = this.codegenFreq;
    freq.fill(0);
    for (let i = 0; i < numLiterals; i++) cg[i] = lit.lens[i] ?? 0;
    for (let i = 0; i < numOffsets; i++) cg[numLiterals + i] = off.lens[i] ?? 0;
    cg[numLiterals + numOffsets] = BAD_CODE;
    let size = cg[0] ?? 0;
    let count = 1;
    let out = 0;
    const bump = (k: number) => {
      freq[k] = (freq[k] ?? 0) + 1;
    };
    for (let inIndex = 1; size !== BAD_CODE; inIndex++) {
      const nextSize = cg[inIndex] ?? 0;
      if (nextSize === size) {
        count++;
        continue;
      }
      if (size !== 0) {
        cg[out++] = size;
        bump(size);
        count--;
        while (count >= 3) {
          const n = Math.min(6, count);
          cg[out++] = 16;
          cg[out++] = n - 3;
          bump(16);
          count -= n;
        }
      } else {
        while (count >= 11) {
          const n = Math.min(138, count);
          cg[out++] = 18;
          cg[out++] = n - 11;
          bump(18);
          count -= n;
        }
        if (count >= 3) {
          cg[out++] = 17;
          cg[out++] = count - 3;
          bump(17);
          count = 0;
        }
      }
      count--;
      for (; count >= 0; count--) {
        cg[out++] = size;
        bump(size);
      }
      size = nextSize;
      count = 1;
    }
    cg[out] = BAD_CODE;
  }

  private dynamicSize(lit: HuffmanEncoder, off: HuffmanEncoder, extraBits: number): [number, number] {
    let numCodegens = CODEGEN_CODE_COUNT;
    while (numCodegens > 4 && this.codegenFreq[CODEGEN_ORDER[numCodegens - 1] ?? 0] === 0) numCodegens--;
    const f = (i: number) => this.codegenFreq[i] ?? 0;
    const header = 3 + 5 + 5 + 4 + 3 * numCodegens + this.codegenEncoding.bitLength(this.codegenFreq) + f(16) * 2 + f(17) * 3 + f(18) * 7;
    return [header + lit.bitLength(this.literalFreq) + off.bitLength(this.offsetFreq) + extraBits, numCodegens];
  }

  private writeDynamicHeader(numLiterals: number, numOffsets: number, numCodegens: number, eof: boolean): void {
    this.writeBits(eof ? 5 : 4, 3);
    this.writeBits(numLiterals - 257, 5);
    this.writeBits(numOffsets - 1, 5);
    this.writeBits(numCodegens - 4, 4);
    for (let i = 0; i < numCodegens; i++) this.writeBits(this.codegenEncoding.lens[CODEGEN_ORDER[i] ?? 0] ?? 0, 3);
    for (let i = 0; ; ) {
      const word = this.codegen[i++] ?? BAD_CODE;
      if (word === BAD_CODE) break;
      this.writeBits(this.codegenEncoding.codes[word] ?? 0, this.codegenEncoding.lens[word] ?? 0);
      if (word === 16) this.writeBits(this.codegen[i++] ?? 0, 2);
      else if (word === 17) this.writeBits(this.codegen[i++] ?? 0, 3);
      else if (word === 18) this.writeBits(this.codegen[i++] ?? 0, 7);
    }
  }

  /** Go's `writeBlock`: the smallest of stored (when the input is at hand), fixed and dynamic. */
  writeBlock(tokens: Uint32Array, countIn: number, eof: boolean, input: Uint8Array | undefined): void {
    tokens[countIn] = END_BLOCK;
    const count = countIn + 1;
    const [numLiterals, numOffsets] = this.indexTokens(tokens, count);
    const storable = input !== undefined && input.length <= MAX_STORE_BLOCK;
    let extraBits = 0;
    if (storable) {
      for (let lc = LENGTH_CODES_START + 8; lc < numLiterals; lc++) extraBits += (this.literalFreq[lc] ?? 0) * (LENGTH_EXTRA_BITS[lc - LENGTH_CODES_START] ?? 0);
      for (let oc = 4; oc < numOffsets; oc++) extraBits += (this.offsetFreq[oc] ?? 0) * (OFFSET_EXTRA_BITS[oc] ?? 0);
    }
    let lit = FIXED_LITERAL;
    let off = FIXED_OFFSET;
    let size = 3 + FIXED_LITERAL.bitLength(this.literalFreq) + FIXED_OFFSET.bitLength(this.offsetFreq) + extraBits;
    this.generateCodegen(numLiterals, numOffsets, this.literalEncoding, this.offsetEncoding);
    this.codegenEncoding.generate(this.codegenFreq, 7);
    const [dynamicSize, numCodegens] = this.dynamicSize(this.literalEncoding, this.offsetEncoding, extraBits);
    if (dynamicSize < size) {
      size = dynamicSize;
      lit = this.literalEncoding;
      off = this.offsetEncoding;
    }
    if (storable && (input.length + 5) * 8 < size) {
      this.writeStoredHeader(input.length, eof);
      this.writeBytes(input);
      return;
    }
    if (lit === FIXED_LITERAL) this.writeBits(eof ? 3 : 2, 3);
    else this.writeDynamicHeader(numLiterals, numOffsets, numCodegens, eof);
    this.writeTokens(tokens, count, lit, off);
  }

  private writeTokens(tokens: Uint32Array, count: number, lit: HuffmanEncoder, off: HuffmanEncoder): void {
    for (let i = 0; i < count; i++) {
      const t = tokens[i] ?? 0;
      if (t < MATCH_TYPE) {
        this.writeBits(lit.codes[t] ?? 0, lit.lens[t] ?? 0);
        continue;
      }
      const length = (t - MATCH_TYPE) >>> LENGTH_SHIFT;
      const lc = LENGTH_CODES[length] ?? 0;
      this.writeBits(lit.codes[lc + LENGTH_CODES_START] ?? 0, lit.lens[lc + LENGTH_CODES_START] ?? 0);
      const lx = LENGTH_EXTRA_BITS[lc] ?? 0;
      if (lx > 0) this.writeBits(length - (LENGTH_BASE[lc] ?? 0), lx);
      const offset = t & OFFSET_MASK;
      const oc = offsetCode(offset);
      this.writeBits(off.codes[oc] ?? 0, off.lens[oc] ?? 0);
      const ox = OFFSET_EXTRA_BITS[oc] ?? 0;
      if (ox > 0) this.writeBits(offset - (OFFSET_BASE[oc] ?? 0), ox);
    }
  }
}

function hash4(w: Uint8Array, i: number): number {
  const x = ((w[i + 3] ?? 0) | ((w[i + 2] ?? 0) << 8) | ((w[i + 1] ?? 0) << 16) | ((w[i] ?? 0) << 24)) | 0;
  return Math.imul(x, 0x1e35a7bd) >>> (32 - HASH_BITS);
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
        for (; i < newIndex; i++) {
          if (i < maxInsertIndex) {
            const h = hash4(win, i) & HASH_MASK;
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
const GO_GZIP_HEADER = Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);

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
      const trailer = Buffer.alloc(8);
      trailer.writeUInt32LE(crc >>> 0, 0);
      trailer.writeUInt32LE(size, 4);
      this.push(trailer);
      cb();
    },
  });
}

/** gzip of `data` as Go writes it (for tests and small inputs). */
export function goGzip(data: Uint8Array): Buffer {
  const d = new GoDeflater();
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(data) >>> 0, 0);
  trailer.writeUInt32LE(data.length >>> 0, 4);
  return Buffer.concat([GO_GZIP_HEADER, ...d.write(data), ...d.close(), trailer]);
}
