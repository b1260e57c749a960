// SPDX-License-Identifier: Apache-2.0
// The template grammar of Flux's post-build substitution (fluxcd/pkg envsubst v1.7, a fork of drone/envsubst).
// Written by hand because no npm package reproduces its quirks, which users' manifests depend on: `$$` escapes,
// `\/` only inside replace arguments, separators such as `//` swallowed greedily, no `${v-w}`. The scanner keeps
// the upstream's shape (a mutable buffer where an escape deletes its first character) so that every corner case
// of the conformance corpus (../shared/conformance/envsubst) comes out the same.

/** A parsed template: literal text, or `${param<op>args}`. */
export type EnvNode =
  | { readonly kind: "text"; readonly value: string }
  | { readonly kind: "func"; readonly param: string; readonly op: string; readonly args: readonly EnvNode[] }
  | { readonly kind: "list"; readonly nodes: readonly EnvNode[] };

/** Parse failures, with the upstream's messages (users search for them). */
export const PARSE_ERRORS = {
  badSubstitution: "bad substitution",
  missingClosingBrace: "missing closing brace",
  variableName: "unable to parse variable name",
  funcSubstitution: "unable to parse substitution within function",
  defaultFunction: "unable to parse default function",
} as const;

/** Thrown by {@link parseTemplate}; `message` is one of {@link PARSE_ERRORS}. */
export class TemplateParseError extends Error {}

type Token = "illegal" | "eof" | "ident" | "lbrack" | "rbrack";
type Accept = (r: string, i: number) => boolean;

const MODE_IDENT = 1;
const MODE_LBRACK = 2;
const MODE_RBRACK = 4;
const MODE_ESCAPE = 8;
const ESC_DOLLAR = 1;
const ESC_BACKSLASH = 2;
const EOF = "";
const IDENT_RE = /^[\p{L}\p{Nd}_]$/u;

const acceptAny: Accept = () => true;
const acceptIdent: Accept = (r) => IDENT_RE.test(r);
const acceptColon: Accept = (r) => r === ":";
const acceptOneHash: Accept = (r, i) => r === "#" && i === 1;
const acceptNotClosing: Accept = (r) => r !== "}";
const acceptHash: Accept = (r, i) => r === "#" && i < 3;
const acceptPercent: Accept = (r, i) => r === "%" && i < 3;
const acceptDefault: Accept = (r, i) => (i === 1 && r === ":") || (i === 2 && "=-?+".includes(r));
const acceptReplace: Accept = (r, i) => (i === 1 && r === "/") || (i === 2 && "/#%".includes(r));
const acceptOneEqual: Accept = (r, i) => i === 1 && r === "=";
const acceptOneColon: Accept = (r, i) => i === 1 && r === ":";
const rejectColonClose: Accept = (r) => r !== ":" && r !== "}";
const acceptSlash: Accept = (r) => r === "/";
const acceptNotSlash: Accept = (r) => r !== "/";
const acceptCasing: Accept = (r, i) => (r === "," || r === "^") && i < 3;

/** A rune scanner over code points; `width` is 0 after reading past the end, as upstream. */
class Scanner {
  buf: string[] = [];
  pos = 0;
  start = 0;
  width = 0;
  mode = 0;
  escapes = 0;
  accept: Accept = acceptAny;

  read(): string {
    if (this.pos >= this.buf.length) {
      this.width = 0;
      return EOF;
    }
    this.width = 1;
    return this.buf[this.pos++] ?? EOF;
  }
  unread(): void {
    this.pos -= this.width;
  }
  /** Drops the escape character just read (the first of `$$`, or a backslash). */
  skip(): void {
    this.buf.splice(this.pos - 1, 1);
  }
  peek(): string {
    const r = this.read();
    this.unread();
    return r;
  }
  text(): string {
    return this.buf.slice(this.start, this.pos).join("");
  }
  scan(): Token {
    this.start = this.pos;
    const r = this.read();
    if (r === EOF) return "eof";
    if (this.isLbrack(r)) return "lbrack";
    if (this.mode & MODE_RBRACK && r === "}") return "rbrack";
    if (this.scanIdent(r)) return "ident";
    return "illegal";
  }
  private isLbrack(r: string): boolean {
    if (!(this.mode & MODE_LBRACK) || r !== "$") return false;
    if (this.read() === "{") return true;
    this.unread();
    return false;
  }
  private isEscaped(r: string): boolean {
    if (!(this.mode & MODE_ESCAPE)) return false;
    if (r === "$" && this.escapes & ESC_DOLLAR && this.peek() === "$") return true;
    if (r === "\\" && this.escapes & ESC_BACKSLASH) {
      const next = this.peek();
      return next === "/" || next === "\\";
    }
    return false;
  }
  private scanIdent(first: string): boolean {
    if (!(this.mode & MODE_IDENT)) return false;
    if (this.isEscaped(first)) this.skip();
    else if (!this.accept(first, this.pos - this.start)) return false;
    for (;;) {
      const r = this.read();
      if (r === EOF) {
        this.unread();
        return true;
      }
      if (this.isLbrack(r)) {
        this.unread();
        this.unread();
        return true;
      }
      if (this.isEscaped(r)) {
        this.skip();
        continue;
      }
      if (!this.accept(r, this.pos - this.start)) {
        this.unread();
        return true;
      }
    }
  }
}

function fail(message: string): never {
  throw new TemplateParseError(message);
}

/** Parses a template; throws {@link TemplateParseError}. */
export function parseTemplate(input: string): EnvNode {
  const s = new Scanner();
  s.buf = Array.from(input);
  const nodes: EnvNode[] = [];
  // Upstream recurses once per token; a loop gives the same tree without deep stacks on big manifests.
  for (;;) {
    s.accept = acceptAny;
    s.mode = MODE_IDENT | MODE_LBRACK | MODE_ESCAPE;
    s.escapes = ESC_DOLLAR;
    const tok = s.scan();
    if (tok === "eof") break;
    if (tok === "ident") nodes.push({ kind: "text", value: s.text() });
    else if (tok === "lbrack") nodes.push(parseFunc(s));
    else fail(PARSE_ERRORS.badSubstitution);
  }
  if (nodes.length === 1 && nodes[0] !== undefined) return nodes[0];
  return { kind: "list", nodes };
}

function scanWith(s: Scanner, accept: Accept, mode: number): Token {
  s.accept = accept;
  s.mode = mode;
  return s.scan();
}

function parseFunc(s: Scanner): EnvNode {
  s.escapes = ESC_DOLLAR | ESC_BACKSLASH;
  if (s.peek() === "#") return parseLen(s);
  if (scanWith(s, acceptIdent, MODE_IDENT) !== "ident") fail(PARSE_ERRORS.variableName);
  const name = s.text();
  switch (s.peek()) {
    case ":":
      return parseDefaultOrSubstr(s, name);
    case "=":
      return parseDefault(s, name);
    case ",":
    case "^":
      return parseOperatorOnly(s, name, acceptCasing);
    case "/":
      return parseReplace(s, name);
    case "#":
      return parseRemove(s, name, acceptHash);
    case "%":
      return parseRemove(s, name, acceptPercent);
  }
  if (scanWith(s, acceptIdent, MODE_RBRACK) !== "rbrack") fail(PARSE_ERRORS.missingClosingBrace);
  return { kind: "func", param: name, op: "", args: [] };
}

function parseParam(s: Scanner, accept: Accept, mode: number): EnvNode {
  switch (scanWith(s, accept, mode | MODE_LBRACK)) {
    case "lbrack":
      return parseFunc(s);
    case "ident":
    case "rbrack":
      return { kind: "text", value: s.text() };
    default:
      return fail(PARSE_ERRORS.funcSubstitution);
  }
}

function consumeRbrack(s: Scanner): void {
  s.mode = MODE_RBRACK;
  if (s.scan() !== "rbrack") fail(PARSE_ERRORS.badSubstitution);
}

function operator(s: Scanner, accept: Accept, error: string = PARSE_ERRORS.badSubstitution): string {
  if (scanWith(s, accept, MODE_IDENT) !== "ident") fail(error);
  return s.text();
}

function parseDefaultOrSubstr(s: Scanner, name: string): EnvNode {
  s.read();
  const next = s.peek();
  s.unread();
  return "=-?+".includes(next) && next !== EOF ? parseDefault(s, name) : parseSubstr(s, name);
}

function parseSubstr(s: Scanner, param: string): EnvNode {
  const op = operator(s, acceptOneColon);
  const args = [parseParam(s, rejectColonClose, MODE_IDENT)];
  const sep = scanWith(s, acceptColon, MODE_IDENT | MODE_RBRACK);
  if (sep === "rbrack") return { kind: "func", param, op, args };
  if (sep !== "ident") fail(PARSE_ERRORS.badSubstitution);
  args.push(parseParam(s, acceptNotClosing, MODE_IDENT));
  consumeRbrack(s);
  return { kind: "func", param, op, args };
}

function parseRemove(s: Scanner, param: string, accept: Accept): EnvNode {
  const op = operator(s, accept);
  const args = [parseParam(s, acceptNotClosing, MODE_IDENT)];
  consumeRbrack(s);
  return { kind: "func", param, op, args };
}

function parseReplace(s: Scanner, param: string): EnvNode {
  const op = operator(s, acceptReplace);
  const args = [parseParam(s, acceptNotSlash, MODE_IDENT | MODE_ESCAPE)];
  if (scanWith(s, acceptSlash, MODE_IDENT) !== "ident") fail(PARSE_ERRORS.badSubstitution);
  if (s.peek() !== "}") args.push(parseParam(s, acceptNotClosing, MODE_IDENT | MODE_ESCAPE));
  consumeRbrack(s);
  return { kind: "func", param, op, args };
}

function parseDefault(s: Scanner, param: string): EnvNode {
  const op = operator(s, s.peek() === "=" ? acceptOneEqual : acceptDefault, PARSE_ERRORS.defaultFunction);
  const args: EnvNode[] = [];
  while (s.peek() !== "}") args.push(parseParam(s, acceptNotClosing, MODE_IDENT));
  consumeRbrack(s);
  return { kind: "func", param, op, args };
}

function parseOperatorOnly(s: Scanner, param: string, accept: Accept): EnvNode {
  const op = operator(s, accept);
  consumeRbrack(s);
  return { kind: "func", param, op, args: [] };
}

function parseLen(s: Scanner): EnvNode {
  const op = operator(s, acceptOneHash);
  const param = operator(s, acceptIdent);
  consumeRbrack(s);
  return { kind: "func", param, op, args: [] };
}
