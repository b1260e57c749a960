// SPDX-License-Identifier: Apache-2.0
import { SemverError } from "./errors.ts";

/**
 * A semantic version as Masterminds/semver v3 models it: three unsigned 64-bit numbers, an optional
 * prerelease and optional build metadata, plus the string it was parsed from.
 * https://github.com/Masterminds/semver/blob/master/version.go
 */
export interface Version {
  readonly major: bigint;
  readonly minor: bigint;
  readonly patch: bigint;
  /** Prerelease without the leading `-`; empty when absent. */
  readonly prerelease: string;
  /** Build metadata without the leading `+`; empty when absent. Ignored by every comparison. */
  readonly metadata: string;
  /** The input exactly as given (Masterminds `Original()`), e.g. `v1.02.3`. */
  readonly original: string;
}

/** Why a string is not a version; `at` is the offset of the offending character. */
export interface VersionSyntaxError {
  readonly code:
    | "empty"
    | "start"
    | "number"
    | "extra-part"
    | "unexpected"
    | "prerelease"
    | "prerelease-zero"
    | "metadata"
    | "overflow";
  readonly at: number;
}

const MAX_UINT64_DIGITS = "18446744073709551615";

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** `[0-9A-Za-z-]`, the identifier alphabet of prereleases and build metadata. */
function isIdentChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45;
}

function skipDigits(s: string, i: number): number {
  while (i < s.length && isDigit(s.charCodeAt(i))) i++;
  return i;
}

/** Parses ASCII digits as uint64 (leading zeros allowed, as Go's `strconv.ParseUint`); undefined on overflow. */
export function parseUint64(digits: string): bigint | undefined {
  let i = 0;
  while (i < digits.length - 1 && digits.charCodeAt(i) === 48) i++;
  const d = i === 0 ? digits : digits.slice(i);
  if (d.length > 20 || (d.length === 20 && d > MAX_UINT64_DIGITS)) return undefined;
  return BigInt(d);
}

/** Precomputed small values: most version numbers are tiny, and BigInt() from a string is slow. */
const SMALL: readonly bigint[] = Array.from({ length: 1024 }, (_, i) => BigInt(i));

/** The digits s[start, end) as uint64; up to 15 digits are exact in a double, so no string is built. */
function readUint64(s: string, start: number, end: number): bigint | undefined {
  if (end - start > 15) return parseUint64(s.slice(start, end));
  let n = 0;
  for (let i = start; i < end; i++) n = n * 10 + s.charCodeAt(i) - 48;
  return SMALL[n] ?? BigInt(n);
}

/**
 * Scans dot-separated identifiers `[0-9A-Za-z-]+` from `i` up to `end`; returns the offset of the first
 * bad character or empty identifier, or -1 when the run is well formed.
 */
function badIdentifierAt(s: string, i: number, end: number): number {
  let start = i;
  for (; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (i === start) return i;
      start = i + 1;
    } else if (!isIdentChar(c)) {
      return i;
    }
  }
  return i === start ? i : -1;
}

/** Offset of a numeric prerelease identifier with a leading zero (`01`), or -1. */
function leadingZeroIdentifierAt(pre: string, base: number): number {
  let start = 0;
  for (let i = 0; i <= pre.length; i++) {
    if (i === pre.length || pre.charCodeAt(i) === 46) {
      if (i - start > 1 && pre.charCodeAt(start) === 48 && skipDigits(pre, start) === i) return base + start;
      start = i + 1;
    }
  }
  return -1;
}

function fail(code: VersionSyntaxError["code"], at: number): VersionSyntaxError {
  return { code, at };
}

/** Reads `.digits` at `i`; returns the end offset, `i` when there is no dot, or an error. */
function scanDotNumber(s: string, i: number): number | VersionSyntaxError {
  if (s.charCodeAt(i) !== 46) return i;
  const end = skipDigits(s, i + 1);
  return end === i + 1 ? fail("number", i + 1) : end;
}

/** Reads prerelease and metadata from `i` to the end of `s`. */
function scanTail(s: string, i: number): { pre: string; meta: string } | VersionSyntaxError {
  let pre = "";
  if (s.charCodeAt(i) === 45) {
    let end = s.indexOf("+", i + 1);
    if (end < 0) end = s.length;
    const bad = badIdentifierAt(s, i + 1, end);
    if (bad >= 0) return fail("prerelease", bad);
    pre = s.slice(i + 1, end);
    const zero = leadingZeroIdentifierAt(pre, i + 1);
    if (zero >= 0) return fail("prerelease-zero", zero);
    i = end;
  }
  let meta = "";
  if (s.charCodeAt(i) === 43) {
    const bad = badIdentifierAt(s, i + 1, s.length);
    if (bad >= 0) return fail("metadata", bad);
    meta = s.slice(i + 1);
    i = s.length;
  }
  return i === s.length ? { pre, meta } : fail("unexpected", i);
}

/**
 * Masterminds `NewVersion` with `CoerceNewVersion = true` (the default Flux runs with): the grammar
 * `v?N(.N)?(.N)?(-pre)?(+meta)?` where missing parts are 0, leading zeros are allowed in the three
 * numbers but not in numeric prerelease identifiers, and numbers must fit in uint64.
 * Hand-written scanner (no regular expression), linear in the input.
 */
export function scanVersion(s: string): Version | VersionSyntaxError {
  if (s.length === 0) return fail("empty", 0);
  const i = s.charCodeAt(0) === 118 ? 1 : 0;
  const majorEnd = skipDigits(s, i);
  if (majorEnd === i) return fail("start", i);
  const minorEnd = scanDotNumber(s, majorEnd);
  if (typeof minorEnd !== "number") return minorEnd;
  const patchEnd = minorEnd === majorEnd ? majorEnd : scanDotNumber(s, minorEnd);
  if (typeof patchEnd !== "number") return patchEnd;
  if (patchEnd !== minorEnd && s.charCodeAt(patchEnd) === 46) return fail("extra-part", patchEnd);
  const tail = scanTail(s, patchEnd);
  if ("code" in tail) return tail;
  const major = readUint64(s, i, majorEnd);
  const minor = minorEnd === majorEnd ? 0n : readUint64(s, majorEnd + 1, minorEnd);
  const patch = patchEnd === minorEnd ? 0n : readUint64(s, minorEnd + 1, patchEnd);
  if (major === undefined || minor === undefined || patch === undefined) return fail("overflow", 0);
  return { major, minor, patch, prerelease: tail.pre, metadata: tail.meta, original: s };
}

/** True when `x` is a parsed {@link Version} rather than a syntax error. */
export function isVersion(x: Version | VersionSyntaxError): x is Version {
  return "major" in x;
}

/** Human-readable explanation of a {@link VersionSyntaxError} for input `s`. */
export function describeVersionError(s: string, e: VersionSyntaxError): string {
  const ch = JSON.stringify(s.charAt(e.at));
  switch (e.code) {
    case "empty":
      return "empty string";
    case "start":
      return s.charCodeAt(0) === 86
        ? "only a lowercase v prefix is allowed"
        : "must start with a number or v";
    case "number":
      return `${JSON.stringify(/^[^.+-]*/.exec(s.slice(e.at))?.[0] ?? "")} is not a number`;
    case "extra-part":
      return "more than three numeric parts";
    case "unexpected":
      return `unexpected ${ch} at offset ${e.at}`;
    case "prerelease":
      return `invalid prerelease: ${e.at < s.length ? `${ch} at offset ${e.at}` : "empty identifier"} (allowed: 0-9 A-Z a-z - and dots)`;
    case "prerelease-zero":
      return `numeric prerelease identifier at offset ${e.at} has a leading zero`;
    case "metadata":
      return `invalid build metadata: ${e.at < s.length ? `${ch} at offset ${e.at}` : "empty identifier"}`;
    case "overflow":
      return "a number does not fit in 64 bits";
  }
}

/**
 * Parses a version the way Masterminds `NewVersion` does (coercing: `1.2` is 1.2.0, `v` prefix and
 * leading zeros allowed). Throws {@link SemverError} `INVALID_VERSION`. For registry tags use
 * `parseFluxTag`, which adds Flux's three-part rule.
 */
export function parseVersion(s: string): Version {
  const v = scanVersion(s);
  if (isVersion(v)) return v;
  throw new SemverError({
    code: "INVALID_VERSION",
    message: `invalid semantic version ${JSON.stringify(s)}: ${describeVersionError(s, v)}`,
  });
}

/** The canonical form (Masterminds `String()`): no `v`, no leading zeros, `-pre` and `+meta` kept. */
export function formatVersion(v: Version): string {
  let out = `${v.major}.${v.minor}.${v.patch}`;
  if (v.prerelease !== "") out += `-${v.prerelease}`;
  if (v.metadata !== "") out += `+${v.metadata}`;
  return out;
}

/** uint64 digit strings without leading zeros compare by length, then lexically. */
function compareDigits(a: string, b: string): number {
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return a === b ? 0 : a < b ? -1 : 1;
}

function isUint64Identifier(s: string): boolean {
  return s.length > 0 && skipDigits(s, 0) === s.length && parseUint64(s) !== undefined;
}

/** One prerelease identifier against another (Masterminds `comparePrePart`). */
function compareIdentifier(s: string, o: string): number {
  if (s === o) return 0;
  if (s === "") return -1;
  if (o === "") return 1;
  const sNum = isUint64Identifier(s);
  const oNum = isUint64Identifier(o);
  if (!sNum && !oNum) return s > o ? 1 : -1;
  if (!oNum) return -1;
  if (!sNum) return 1;
  const strip = (x: string): string => x.replace(/^0+(?=.)/, "");
  return compareDigits(strip(s), strip(o)) > 0 ? 1 : -1;
}

/**
 * Orders two prereleases per SemVer §11 as Masterminds does: identifiers left to right, numeric ones
 * numerically (`rc.10` > `rc.2`), alphanumeric ones in ASCII order, numeric below alphanumeric, and a
 * shorter list below a longer one with the same prefix.
 */
export function comparePrerelease(a: string, b: string): number {
  if (a === b) return 0;
  const as = a.split(".");
  const bs = b.split(".");
  const n = Math.max(as.length, bs.length);
  for (let i = 0; i < n; i++) {
    const d = compareIdentifier(as[i] ?? "", bs[i] ?? "");
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Version precedence (Masterminds `Compare`): -1, 0 or 1. Build metadata is ignored, so `1.0.0+a`
 * and `1.0.0+b` (and `1.0.0` vs `v1.0.0`) compare equal.
 */
export function compareVersions(a: Version, b: Version): number {
  if (a.major !== b.major) return a.major < b.major ? -1 : 1;
  if (a.minor !== b.minor) return a.minor < b.minor ? -1 : 1;
  if (a.patch !== b.patch) return a.patch < b.patch ? -1 : 1;
  if (a.prerelease === b.prerelease) return 0;
  if (a.prerelease === "") return 1;
  if (b.prerelease === "") return -1;
  return comparePrerelease(a.prerelease, b.prerelease);
}
