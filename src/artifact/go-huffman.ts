// SPDX-License-Identifier: Apache-2.0
/**
 * Tokens, tables and Huffman code construction of Go's `compress/flate` (token.go, huffman_code.go), for the
 * Go-identical gzip in ./go-deflate.ts. Go's `huffmanEncoder.generate`/`bitCounts` build length-limited codes
 * their own way; any other construction gives valid but different bytes.
 * https://go.dev/src/compress/flate/huffman_code.go
 */

/** Go's `maxStoreBlockSize`. */
export const MAX_STORE_BLOCK = 65535;
/** Go's `math.MaxInt32` sentinel. */
export const MAX_INT32 = 0x7fffffff;
/** Token layout (token.go): a literal is its byte; a match is `MATCH_TYPE | (length-3) << 22 | (offset-1)`. */
export const MATCH_TYPE = 1 << 30;
export const LENGTH_SHIFT = 22;
export const OFFSET_MASK = (1 << LENGTH_SHIFT) - 1;
/** Alphabet sizes and markers (huffman_bit_writer.go). */
export const END_BLOCK = 256;
export const LENGTH_CODES_START = 257;
export const MAX_NUM_LIT = 286;
export const OFFSET_CODE_COUNT = 30;
export const CODEGEN_CODE_COUNT = 19;
export const BAD_CODE = 255;

/** RFC 1951 §3.2.5 length and distance tables, as Go lays them out. */
export const LENGTH_EXTRA_BITS = [
  0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
export const LENGTH_BASE = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224,
  255,
];
export const OFFSET_EXTRA_BITS = [
  0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
];
export const OFFSET_BASE = [
  0x000000, 0x000001, 0x000002, 0x000003, 0x000004, 0x000006, 0x000008, 0x00000c, 0x000010, 0x000018,
  0x000020, 0x000030, 0x000040, 0x000060, 0x000080, 0x0000c0, 0x000100, 0x000180, 0x000200, 0x000300,
  0x000400, 0x000600, 0x000800, 0x000c00, 0x001000, 0x001800, 0x002000, 0x003000, 0x004000, 0x006000,
];
/** Order of code-length code lengths in a dynamic header (RFC 1951 §3.2.7). */
export const CODEGEN_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/** Go's `lengthCodes` (xlength → code) and `offsetCodes` (small offset → code), derived from the base tables. */
export const LENGTH_CODES = new Uint8Array(256);
const OFFSET_CODES = new Uint8Array(256);
for (let c = 0, x = 0; x < 256; x++) {
  while (c + 1 < LENGTH_BASE.length && (LENGTH_BASE[c + 1] ?? 0) <= x) c++;
  LENGTH_CODES[x] = c;
}
for (let c = 0, x = 0; x < 256; x++) {
  while (c + 1 < OFFSET_BASE.length && (OFFSET_BASE[c + 1] ?? 0) <= x) c++;
  OFFSET_CODES[x] = c;
}

/** Go's `offsetCode`. */
export function offsetCode(off: number): number {
  if (off < 256) return OFFSET_CODES[off] ?? 0;
  if (off >> 7 < 256) return (OFFSET_CODES[off >> 7] ?? 0) + 14;
  return (OFFSET_CODES[off >> 14] ?? 0) + 28;
}

/** The low `len` bits of `n`, reversed (Go's `reverseBits`). */
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
export class HuffmanEncoder {
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
  const levels: LevelInfo[] = Array.from({ length: 17 }, () => ({
    level: 0,
    lastFreq: 0,
    nextCharFreq: 0,
    nextPairFreq: 0,
    needed: 0,
  }));
  const leaf = new Int32Array(17 * 17);
  for (let level = 1; level <= maxBits; level++) {
    levels[level] = {
      level,
      lastFreq: f(1),
      nextCharFreq: f(2),
      nextPairFreq: level === 1 ? MAX_INT32 : f(0) + f(1),
      needed: 0,
    };
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

/** The fixed Huffman codes (RFC 1951 §3.2.6). */
export const FIXED_LITERAL = new HuffmanEncoder(MAX_NUM_LIT);
for (let ch = 0; ch < MAX_NUM_LIT; ch++) {
  const [bits, size] =
    ch < 144 ? [ch + 48, 8] : ch < 256 ? [ch + 400 - 144, 9] : ch < 280 ? [ch - 256, 7] : [ch + 192 - 280, 8];
  FIXED_LITERAL.codes[ch] = reverseBits(bits, size);
  FIXED_LITERAL.lens[ch] = size;
}
export const FIXED_OFFSET = new HuffmanEncoder(OFFSET_CODE_COUNT);
for (let ch = 0; ch < OFFSET_CODE_COUNT; ch++) {
  FIXED_OFFSET.codes[ch] = reverseBits(ch, 5);
  FIXED_OFFSET.lens[ch] = 5;
}
