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
    if (this.prog.length >= MAX_PROGRAM)
      throw new Re2SyntaxError("error parsing regexp: expression too large");
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
  readonly pcs: Int32Array;
  readonly prev: number;
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
  #states: DState[] = [];
  #index = new Map<string, number>();
  /** ASCII transitions: `#table[state * 128 + char]` is a state index, MATCHED or UNKNOWN. */
  #table = new Int32Array(0);
  #start = 0;

  constructor(root: Re2Node) {
    const c = new Compiler();
    c.compile(root);
    c.emit({ op: MATCH, x: 0, y: 0 });
    this.#prog = c.prog;
    this.#usesContext = c.prog.some((i) => i.op === ASSERT);
    this.#seen = new Uint32Array(c.prog.length);
    this.#reset();
  }

  /** True when the expression matches some substring of `s` (Go `Regexp.MatchString`). */
  test(s: string): boolean {
    let st = this.#start;
    for (let i = 0; i < s.length; i++) {
      let cp = s.charCodeAt(i);
      let t = UNKNOWN;
      if (cp < 128) {
        t = this.#table[st * 128 + cp] ?? UNKNOWN;
      } else if (cp >= 0xd800 && cp <= 0xdbff) {
        const full = s.codePointAt(i) ?? cp;
        if (full > 0xffff) {
          cp = full;
          i++;
        }
      }
      if (t === UNKNOWN) t = this.#step(st, cp);
      if (t === MATCHED) return true;
      st = t;
    }
    const last = this.#states[st] as DState;
    if (last.atEnd === UNKNOWN)
      last.atEnd = this.#closure(last.pcs, last.prev, EDGE, undefined) === undefined ? 1 : 0;
    return last.atEnd === 1;
  }

  /** Computes (and caches, for ASCII) the transition of state `id` on `cp`: a state index, or MATCHED. */
  #step(id: number, cp: number): number {
    const st = this.#states[id] as DState;
    const pcs = this.#closure(st.pcs, st.prev, contextOf(cp), cp);
    if (pcs === undefined) {
      if (cp < 128) this.#table[id * 128 + cp] = MATCHED;
      return MATCHED;
    }
    const before = this.#states.length;
    const next = this.#intern(pcs, this.#usesContext ? contextOf(cp) : EDGE);
    const wasReset = this.#states.length < before;
    if (cp < 128 && !wasReset) this.#table[id * 128 + cp] = next;
    return next;
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

  /** Drops every cached state and transition; the start state is state 0 again. */
  #reset(): void {
    this.#states = [];
    this.#index = new Map();
    this.#table = new Int32Array(64 * 128).fill(UNKNOWN);
    this.#start = this.#intern(new Int32Array(0), EDGE);
  }

  /** The index of the state (pcs, prev), created if new; a full cache is reset first. */
  #intern(pcs: Int32Array, prev: number): number {
    const key = `${prev}:${pcs.join(",")}`;
    const known = this.#index.get(key);
    if (known !== undefined) return known;
    if (this.#states.length >= MAX_STATES) this.#reset();
    const id = this.#states.length;
    if ((id + 1) * 128 > this.#table.length) {
      const grown = new Int32Array(this.#table.length * 2).fill(UNKNOWN);
      grown.set(this.#table);
      this.#table = grown;
    }
    this.#states.push({ id, pcs, prev, atEnd: UNKNOWN });
    this.#index.set(key, id);
    return id;
  }
}
