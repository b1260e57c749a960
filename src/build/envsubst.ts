// SPDX-License-Identifier: Apache-2.0
// Evaluation of Flux's `${...}` templates (fluxcd/pkg envsubst: eval.go, template.go, funcs.go). Semantics, not
// code, follow upstream: default words are evaluated before the variable is looked up, every default-family
// operator (`= := :- :? :+`) means "the value if non-empty, else the word", lengths and substrings count UTF-8 bytes.
import { type EnvNode, TemplateParseError, parseTemplate } from "./envsubst-parse.ts";
import { globMatch } from "./glob.ts";

export { PARSE_ERRORS, TemplateParseError } from "./envsubst-parse.ts";

/** Looks a variable up: `undefined` means unset (an error in strict mode unless a default operator is used). */
export type VarLookup = (name: string) => string | undefined;

/** A strict-mode failure: `${name}` (or an operator other than a default) on an unset variable. */
export class VarNotSetError extends Error {
  readonly variable: string;
  constructor(variable: string) {
    super(`variable not set (strict mode): ${JSON.stringify(variable)}`);
    this.variable = variable;
  }
}

const DEFAULT_OPS = new Set(["-", "+", "=", "?", ":-", ":+", ":=", ":?"]);
const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

/**
 * Expands `${...}` in `text` as Flux's post-build substitution does.
 * Throws {@link TemplateParseError} (malformed template) or {@link VarNotSetError} (strict mode).
 * See https://fluxcd.io/flux/components/kustomize/kustomizations/#post-build-variable-substitution
 */
export function expandTemplate(text: string, lookup: VarLookup): string {
  const out: string[] = [];
  evalNode(parseTemplate(text), lookup, out);
  return out.join("");
}

/** A lookup over a map: strict treats absent names as unset; non-strict reads them as "" (Flux's two modes). */
export function lookupIn(vars: Readonly<Record<string, string>>, strict: boolean): VarLookup {
  return (name) => (Object.hasOwn(vars, name) ? vars[name] : strict ? undefined : "");
}

function evalNode(node: EnvNode, lookup: VarLookup, out: string[]): void {
  if (node.kind === "text") out.push(node.value);
  else if (node.kind === "list") for (const n of node.nodes) evalNode(n, lookup, out);
  else {
    const args = node.args.map((a) => {
      const buf: string[] = [];
      evalNode(a, lookup, buf);
      return buf.join("");
    });
    const value = lookup(node.param);
    if (value === undefined && !DEFAULT_OPS.has(node.op)) throw new VarNotSetError(node.param);
    out.push(applyOp(node.op, value ?? "", args));
  }
}

function applyOp(op: string, v: string, args: string[]): string {
  const [a0, a1] = args;
  switch (op) {
    case ",":
      return v === "" ? v : mapFirst(v, (c) => c.toLowerCase());
    case ",,":
      return v.toLowerCase();
    case "^":
      return v === "" ? v : mapFirst(v, (c) => c.toUpperCase());
    case "^^":
      return v.toUpperCase();
    case "#":
      return a0 === undefined ? String(utf8.encode(v).length) : trimPrefix(v, a0, "shortest");
    case "##":
      return a0 === undefined ? v : trimPrefix(v, a0, "longest");
    case "%":
      return a0 === undefined ? v : reverse(trimPrefix(reverse(v), reverse(a0), "shortest"));
    case "%%":
      return a0 === undefined ? v : reverse(trimPrefix(reverse(v), reverse(a0), "longest"));
    case ":":
      return substring(v, a0, a1);
    case "/":
      return a0 === undefined ? v : replaceGo(v, a0, a1 ?? "", 1);
    case "//":
      return a0 === undefined ? v : replaceGo(v, a0, a1 ?? "", -1);
    case "/#":
      return a0 !== undefined && a1 !== undefined && v.startsWith(a0) ? replaceGo(v, a0, a1, 1) : v;
    case "/%":
      return a0 !== undefined && a1 !== undefined && v.endsWith(a0)
        ? v.slice(0, v.length - a0.length) + a1
        : v;
    default:
      return v === "" && args.length > 0 ? args.join("") : v;
  }
}

function mapFirst(v: string, f: (c: string) => string): string {
  const [first = "", ...rest] = Array.from(v);
  return f(first) + rest.join("");
}

function reverse(s: string): string {
  return Array.from(s).reverse().join("");
}

/** Removes the shortest or longest prefix of `v` matching the glob `pattern` (a bad pattern changes nothing). */
function trimPrefix(v: string, pattern: string, which: "shortest" | "longest"): string {
  const s = Array.from(v);
  const p = Array.from(pattern);
  let found = -1;
  // Upstream tries prefixes from the longest down and never tries the empty one.
  for (let n = s.length; n > 0; n--) {
    const m = globMatch(p, s.slice(0, n));
    if (m === undefined) return v;
    if (m) {
      found = n;
      if (which === "longest") break;
    }
  }
  return found > 0 ? s.slice(found).join("") : v;
}

/** Go's strings.Replace (n = -1: all), including its treatment of an empty `old`. */
function replaceGo(s: string, old: string, repl: string, n: number): string {
  if (old === "") {
    const runes = Array.from(s);
    if (n === 1) return repl + s;
    return repl + runes.map((r) => r + repl).join("");
  }
  return n === 1 ? s.replace(old, () => repl) : s.split(old).join(repl);
}

/** Go's strconv.Atoi for the values that matter here: an optional sign and decimal digits. */
function atoi(s: string | undefined): number | undefined {
  if (s === undefined || !/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** `${v:off}` / `${v:off:len}` over UTF-8 bytes; a non-numeric offset or length returns `v` unchanged. */
function substring(v: string, offArg: string | undefined, lenArg: string | undefined): string {
  let pos = atoi(offArg);
  if (pos === undefined) return v;
  const bytes = utf8.encode(v);
  if (pos < 0) pos = Math.max(0, bytes.length + pos);
  if (lenArg === undefined) return pos < bytes.length ? utf8Decoder.decode(bytes.subarray(pos)) : "";
  const len = atoi(lenArg);
  if (len === undefined) return v;
  if (pos + len >= bytes.length) return pos < bytes.length ? utf8Decoder.decode(bytes.subarray(pos)) : "";
  return utf8Decoder.decode(bytes.subarray(pos, pos + len));
}

/** True when `err` is a template error (parse or strict mode) rather than a bug. */
export function isTemplateError(err: unknown): err is TemplateParseError | VarNotSetError {
  return err instanceof TemplateParseError || err instanceof VarNotSetError;
}
