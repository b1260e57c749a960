// SPDX-License-Identifier: Apache-2.0
/**
 * Go's `huffmanBitWriter` (compress/flate/huffman_bit_writer.go): per block, the smallest of a stored, a fixed
 * and a dynamic Huffman block, sized exactly as Go sizes them, and Go's code-length encoding of the dynamic
 * header. https://go.dev/src/compress/flate/huffman_bit_writer.go
 */
import {
  BAD_CODE,
  CODEGEN_CODE_COUNT,
  CODEGEN_ORDER,
  END_BLOCK,
  FIXED_LITERAL,
  FIXED_OFFSET,
  HuffmanEncoder,
  LENGTH_BASE,
  LENGTH_CODES,
  LENGTH_CODES_START,
  LENGTH_EXTRA_BITS,
  LENGTH_SHIFT,
  MATCH_TYPE,
  MAX_NUM_LIT,
  MAX_STORE_BLOCK,
  OFFSET_BASE,
  OFFSET_CODE_COUNT,
  OFFSET_EXTRA_BITS,
  OFFSET_MASK,
  offsetCode,
} from "./go-huffman.ts";

/** Go's `huffmanBitWriter` (LSB-first bits; output collected in chunks). */
export class BitWriter {
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

  private generateCodegen(
    numLiterals: number,
    numOffsets: number,
    lit: HuffmanEncoder,
    off: HuffmanEncoder,
  ): void {
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
    const header =
      3 +
      5 +
      5 +
      4 +
      3 * numCodegens +
      this.codegenEncoding.bitLength(this.codegenFreq) +
      f(16) * 2 +
      f(17) * 3 +
      f(18) * 7;
    return [
      header + lit.bitLength(this.literalFreq) + off.bitLength(this.offsetFreq) + extraBits,
      numCodegens,
    ];
  }

  private writeDynamicHeader(
    numLiterals: number,
    numOffsets: number,
    numCodegens: number,
    eof: boolean,
  ): void {
    this.writeBits(eof ? 5 : 4, 3);
    this.writeBits(numLiterals - 257, 5);
    this.writeBits(numOffsets - 1, 5);
    this.writeBits(numCodegens - 4, 4);
    for (let i = 0; i < numCodegens; i++)
      this.writeBits(this.codegenEncoding.lens[CODEGEN_ORDER[i] ?? 0] ?? 0, 3);
    for (let i = 0; ;) {
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
      for (let lc = LENGTH_CODES_START + 8; lc < numLiterals; lc++)
        extraBits += (this.literalFreq[lc] ?? 0) * (LENGTH_EXTRA_BITS[lc - LENGTH_CODES_START] ?? 0);
      for (let oc = 4; oc < numOffsets; oc++)
        extraBits += (this.offsetFreq[oc] ?? 0) * (OFFSET_EXTRA_BITS[oc] ?? 0);
    }
    let lit = FIXED_LITERAL;
    let off = FIXED_OFFSET;
    let size =
      3 + FIXED_LITERAL.bitLength(this.literalFreq) + FIXED_OFFSET.bitLength(this.offsetFreq) + extraBits;
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

  /**
   * The hot loop of every block: the bit buffer and output position live in locals, and whole bytes go straight
   * into the chunk (room for a token's worst case, 6 bytes, is made before each token).
   */
  private writeTokens(tokens: Uint32Array, count: number, lit: HuffmanEncoder, off: HuffmanEncoder): void {
    const litCodes = lit.codes;
    const litLens = lit.lens;
    const offCodes = off.codes;
    const offLens = off.lens;
    let bits = this.bits;
    let nbits = this.nbits;
    let buf = this.buf;
    let n = this.n;
    for (let i = 0; i < count; i++) {
      if (n > buf.length - 8) {
        this.n = n;
        this.drain();
        buf = this.buf;
        n = 0;
      }
      const t = tokens[i] ?? 0;
      if (t < MATCH_TYPE) {
        bits |= (litCodes[t] ?? 0) << nbits;
        nbits += litLens[t] ?? 0;
      } else {
        const length = (t - MATCH_TYPE) >>> LENGTH_SHIFT;
        const lc = LENGTH_CODES[length] ?? 0;
        bits |= (litCodes[lc + LENGTH_CODES_START] ?? 0) << nbits;
        nbits += litLens[lc + LENGTH_CODES_START] ?? 0;
        const lx = LENGTH_EXTRA_BITS[lc] ?? 0;
        if (lx > 0) {
          bits |= (length - (LENGTH_BASE[lc] ?? 0)) << nbits;
          nbits += lx;
        }
        while (nbits >= 8) {
          buf[n++] = bits & 0xff;
          bits >>>= 8;
          nbits -= 8;
        }
        const offset = t & OFFSET_MASK;
        const oc = offsetCode(offset);
        bits |= (offCodes[oc] ?? 0) << nbits;
        nbits += offLens[oc] ?? 0;
        const ox = OFFSET_EXTRA_BITS[oc] ?? 0;
        if (ox > 0) {
          while (nbits >= 8) {
            buf[n++] = bits & 0xff;
            bits >>>= 8;
            nbits -= 8;
          }
          bits |= (offset - (OFFSET_BASE[oc] ?? 0)) << nbits;
          nbits += ox;
        }
      }
      while (nbits >= 8) {
        buf[n++] = bits & 0xff;
        bits >>>= 8;
        nbits -= 8;
      }
    }
    this.bits = bits;
    this.nbits = nbits;
    this.n = n;
  }
}
