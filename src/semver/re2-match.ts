// SPDX-License-Identifier: Apache-2.0
// A linear-time yes/no matcher for RE2 trees: a Thompson NFA simulated as a lazily built DFA (the
// approach of RE2 itself, https://swtch.com/~rsc/regexp/regexp3.html). Matching is unanchored like
// Go's `MatchString`. Each (state, ASCII char) transition is computed once and cached; the cache is
// bounded and simply reset when full.
import { classHas, isWordChar } from "./re2-class.ts";
import type { CharClass } from "./re2-class.ts";
import { Re2SyntaxError } from "./re2-parse.ts";
import type { AssertKind, Re2Node } from "./re2-parse.ts";

const CHAR = 0;
const SPLIT = 1;
const JMP = 2;
const ASSERT = 3;
const MATCH = 4;

/** Character context around a position: start/end of text, word char, newline, other. */
const EDGE = 0;
const WORD = 1;
const NEWLINE = 2;
const OTHER = 3;

const MAX_PROGRAM = 50_000;
const MAX_STATES = 4096;
const MATCHED = -2;
const UNKNOWN = -1;

interface Inst {
  op: number;
  x: number;
  y: number;
  cls?: CharClass;
  a?: AssertKind;
}

class Compiler {
  readonly prog: Inst[] = [];

  emit(inst: Inst): number {
    if (this.prog.length >= MAX_PROGRAM) throw new Re2SyntaxError("error parsing regexp: expression too large");
    this.prog.push(inst);
    return this.prog.length - 1;
  }

  /** Emits `n`; returns nothing, control falls through to the next instruction. */
  compile(n: Re2Node): void {
    switch (n.k) {
      case "char":
        this.emit({ op: CHAR, x: 0, y: 0, cls: n.cls });
        return;
      case "empty":
        return;
      case "assert":
        this.emit({ op: ASSERT, x: 0, y: 0, a: n.a });
        return;
      case "cat":
        for (const x of n.xs) this.compile(x);
        return;
      case "alt":
        this.alt(n.xs);
        return;
      case "rep":
        this.rep(n.x, n.min, n.max);
        return;
    }
  }

  alt(xs: readonly Re2Node[]): void {
    const jumps: Inst[] = [];
    xs.forEach((x, i) => {
      const split = i < xs.length - 1 ? this.prog[this.emit({ op: SPLIT, x: 0, y: 0 })] : undefined;
      if (split) split.x = this.prog.length;
      this.compile(x);
      if (split) {
        const jmp = this.prog[this.emit({ op: JMP, x: 0, y: 0 })];
        if (jmp) jumps.push(jmp);
        split.y = this.prog.length;
      }
    });
    for (const j of jumps) j.x = this.prog.length;
  }

  rep(x: Re2Node, min: number, max: number): void {
    for (let i = 0; i < min; i++) this.compile(x);
    if (max < 0) {
      const loop = this.emit({ op: SPLIT, x: 0, y: 0 });
      const split = this.prog[loop] as Inst;
      split.x = this.prog.length;
      this.compile(x);
      this.emit({ op: JMP, x: loop, y: 0 });
      split.y = this.prog.length;
      return;
    }
    const splits: Inst[] = [];
    for (let i = min; i < max; i++) {
      const split = this.prog[this.emit({ op: SPLIT, x: 0, y: 0 })] as Inst;
      split.x = this.prog.length;
      splits.push(split);
      this.compile(x);
    }
    for (const s of splits) s.y = this.prog.length;
  }
}

interface DState {
  readonly id: number;
  readonly gen: number;
  readonly pcs: Int32Array;
  readonly prev: number;
  readonly next: Int32Array;
  atEnd: number;
}

function contextOf(cp: number): number {
  return cp === 10 ? NEWLINE : isWordChar(cp) ? WORD : OTHER;
}

function assertHolds(a: AssertKind | undefined, prev: number, next: number): boolean {
  switch (a) {
    case "text-start":
      return prev === EDGE;
    case "text-end":
      return next === EDGE;
    case "line-start":
      return prev === EDGE || prev === NEWLINE;
    case "line-end":
      return next === EDGE || next === NEWLINE;
    case "word":
      return (prev === WORD) !== (next === WORD);
    default:
      return (prev === WORD) === (next === WORD);
  }
}

/** A compiled RE2 expression answering "does it match anywhere in the string?" in linear time. */
export class Re2Matcher {
  readonly #prog: readonly Inst[];
  readonly #usesContext: boolean;
  readonly #seen: Uint32Array;
  #mark = 0;
  #gen = 0;
  #states: DState[] = [];
  #index = new Map<string, number>();

  constructor(root: Re2Node) {
    const c = new Compiler();
    c.compile(root);
    c.emit({ op: MATCH, x: 0, y: 0 });
    this.#prog = c.prog;
    this.#usesContext = c.prog.some((i) => i.op === ASSERT);
    this.#seen = new Uint32Array(c.prog.length);
  }

  /** True when the expression matches some substring of `s` (Go `Regexp.MatchString`). */
  test(s: string): boolean {
    let st = this.#intern(new Int32Array(0), EDGE);
    for (let i = 0; i < s.length; i++) {
      let cp = s.charCodeAt(i);
      if (cp >= 0xd800 && cp <= 0xdbff) {
        const full = s.codePointAt(i) ?? cp;
        if (full > 0xffff) {
          cp = full;
          i++;
        }
      }
      let t = cp < 128 ? (st.next[cp] ?? UNKNOWN) : UNKNOWN;
      if (t === UNKNOWN) t = this.#step(st, cp);
      if (t === MATCHED) return true;
      st = this.#states[t] as DState;
    }
    if (st.atEnd === UNKNOWN) st.atEnd = this.#closure(st.pcs, st.prev, EDGE, undefined) === undefined ? 1 : 0;
    return st.atEnd === 1;
  }

  /** Computes (and caches) the transition of `st` on `cp`: a state index, or MATCHED. */
  #step(st: DState, cp: number): number {
    const pcs = this.#closure(st.pcs, st.prev, contextOf(cp), cp);
    const result = pcs === undefined ? MATCHED : this.#intern(pcs, this.#usesContext ? contextOf(cp) : EDGE).id;
    if (cp < 128 && st.gen === this.#gen) st.next[cp] = result;
    return result;
  }

  /**
   * Follows empty transitions from `pcs` plus the start (unanchored search) under the given
   * context; returns the sorted successors after consuming `cp`, or undefined once MATCH is reachable.
   */
  #closure(pcs: Int32Array, prev: number, next: number, cp: number | undefined): Int32Array | undefined {
    const mark = ++this.#mark;
    const out: number[] = [];
    const stack = [0, ...pcs];
    while (stack.length > 0) {
      const pc = stack.pop() ?? 0;
      if (this.#seen[pc] === mark) continue;
      this.#seen[pc] = mark;
      const inst = this.#prog[pc] as Inst;
      if (inst.op === MATCH) return undefined;
      if (inst.op === JMP) stack.push(inst.x);
      else if (inst.op === SPLIT) stack.push(inst.y, inst.x);
      else if (inst.op === ASSERT) {
        if (assertHolds(inst.a, prev, next)) stack.push(pc + 1);
      } else if (cp !== undefined && inst.cls !== undefined && classHas(inst.cls, cp)) out.push(pc + 1);
    }
    return Int32Array.from(out.sort((a, b) => a - b));
  }

  /** The cached state for (pcs, prev); the cache is dropped when it holds {@link MAX_STATES} states. */
  #intern(pcs: Int32Array, prev: number): DState {
    const key = `${prev}:${pcs.join(",")}`;
    const known = this.#index.get(key);
    if (known !== undefined) return this.#states[known] as DState;
    if (this.#states.length >= MAX_STATES) {
      this.#gen++;
      this.#states = [];
      this.#index = new Map();
    }
    const st: DState = { id: this.#states.length, gen: this.#gen, pcs, prev, next: new Int32Array(128).fill(UNKNOWN), atEnd: UNKNOWN };
    this.#states.push(st);
    this.#index.set(key, st.id);
    return st;
  }
}
