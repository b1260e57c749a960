// SPDX-License-Identifier: Apache-2.0
/**
 * Tar headers byte for byte as Go's `archive/tar` Writer writes them for Flux (fluxcd/pkg `tar.Tar`): USTAR
 * when the header fits (long ASCII names split into prefix + name), else a PAX extended header named
 * `<dir>/PaxHeaders.0/<file>` with sorted records. Numeric fields are zero-padded octal with a NUL, devmajor
 * and devminor are written as zeros, the checksum is six octal digits, NUL, space; no GNU or node-tar
 * extensions. Hand-written because no tar library reproduces Go's exact header bytes (tar-stream and
 * node-tar differ in padding and field terminators). https://pkg.go.dev/archive/tar
 */

/** What Flux keeps of an entry: everything else (owners, names, times) is zero. */
export interface TarEntryHeader {
  /** Slash-separated path relative to the root (`.` for the root, dirs without a trailing `/`). */
  readonly name: string;
  /** Permission bits plus setuid/setgid/sticky (`fs.FileMode.Perm()` and the `c_IS*` bits). */
  readonly mode: number;
  readonly kind: "file" | "directory";
  readonly size: number;
}

/** Tar block size. */
export const BLOCK = 512;
const NAME_SIZE = 100;
const PREFIX_SIZE = 155;
const MAX_OCTAL_SIZE = 8 ** 11; // 12-byte field: 11 octal digits and a NUL

const isAscii = (s: string): boolean => Buffer.byteLength(s) === s.length;
/** Go's `toASCII`: drops every non-ASCII character. */
const toAscii = (s: string): string =>
  isAscii(s)
    ? s
    : Array.from(s)
        .filter((c) => (c.codePointAt(0) ?? 0) < 0x80)
        .join("");

function putString(b: Buffer, off: number, size: number, s: string): void {
  const bytes = Buffer.from(s, "latin1");
  bytes.copy(b, off, 0, Math.min(size, bytes.length));
  if (bytes.length < size) b[off + bytes.length] = 0;
  if (bytes.length > size && b[off + size - 1] === 0x2f) {
    const trimmed = bytes
      .subarray(0, size - 1)
      .toString("latin1")
      .replace(/\/+$/, "");
    b[off + trimmed.length] = 0;
  }
}

function putOctal(b: Buffer, off: number, size: number, n: number): void {
  const s = n.toString(8);
  putString(b, off, size, s.length < size - 1 ? "0".repeat(size - 1 - s.length) + s : s);
}

function finish(b: Buffer): Buffer {
  b.write("ustar\x00", 257, "latin1");
  b.write("00", 263, "latin1");
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const c of b) sum += c;
  putOctal(b, 148, 7, sum);
  b[155] = 0x20;
  return b;
}

/** Go's `splitUSTARPath`: prefix/suffix at a `/` so both fit, or undefined. */
function splitUstarPath(name: string): [string, string] | undefined {
  let length = name.length;
  if (length <= NAME_SIZE || !isAscii(name)) return undefined;
  if (length > PREFIX_SIZE + 1) length = PREFIX_SIZE + 1;
  else if (name[length - 1] === "/") length--;
  const i = name.slice(0, length).lastIndexOf("/");
  const nlen = name.length - i - 1;
  if (i <= 0 || nlen > NAME_SIZE || nlen === 0 || i > PREFIX_SIZE) return undefined;
  return [name.slice(0, i), name.slice(i + 1)];
}

function v7Plus(h: TarEntryHeader, name: string, size: number): Buffer {
  const b = Buffer.alloc(BLOCK);
  putString(b, 0, NAME_SIZE, name);
  putOctal(b, 100, 8, h.mode);
  putOctal(b, 108, 8, 0);
  putOctal(b, 116, 8, 0);
  putOctal(b, 124, 12, size < MAX_OCTAL_SIZE ? size : 0);
  putOctal(b, 136, 12, 0);
  b[156] = h.kind === "directory" ? 0x35 : 0x30;
  putOctal(b, 329, 8, 0);
  putOctal(b, 337, 8, 0);
  return b;
}

/** Go's `formatPAXRecord`: `<len> key=value\n` where len counts itself. */
function paxRecord(k: string, v: string): string {
  const body = Buffer.byteLength(k) + Buffer.byteLength(v) + 3;
  let size = body + String(body).length;
  if (String(size).length + body !== size) size = String(size).length + body;
  return `${size} ${k}=${v}\n`;
}

function paxHeaderBlocks(h: TarEntryHeader, records: Record<string, string>): Buffer[] {
  const data = Buffer.from(
    Object.keys(records)
      .sort()
      .map((k) => paxRecord(k, records[k] ?? ""))
      .join(""),
  );
  const slash = h.name.lastIndexOf("/");
  const dir = h.name.slice(0, slash + 1);
  const file = h.name.slice(slash + 1);
  let xname = toAscii(joinClean(dir, "PaxHeaders.0", file));
  if (xname.length > NAME_SIZE) xname = xname.slice(0, NAME_SIZE);
  xname = xname.replace(/\/+$/, "");
  const x = Buffer.alloc(BLOCK);
  putString(x, 0, NAME_SIZE, xname);
  putOctal(x, 100, 8, 0);
  putOctal(x, 108, 8, 0);
  putOctal(x, 116, 8, 0);
  putOctal(x, 124, 12, data.length);
  putOctal(x, 136, 12, 0);
  x[156] = 0x78; // 'x'
  return [finish(x), data, Buffer.alloc(padding(data.length))];
}

/** Go's `path.Join` for the three relative parts used here (no `..`, no leading `/`). */
function joinClean(...parts: string[]): string {
  return parts
    .join("/")
    .split("/")
    .filter((p) => p !== "" && p !== ".")
    .join("/");
}

/** Zero bytes after `size` bytes of data to reach the next block. */
export function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

/** The header block(s) Go writes for `h` (one USTAR block, or a PAX header, its records and the USTAR block). */
export function encodeHeader(h: TarEntryHeader): Buffer {
  const records: Record<string, string> = {};
  const nameFits = isAscii(h.name) && h.name.length <= NAME_SIZE;
  const split = nameFits ? undefined : splitUstarPath(h.name);
  if (!nameFits && split === undefined) records.path = h.name;
  if (h.size >= MAX_OCTAL_SIZE) records.size = String(h.size);
  if (Object.keys(records).length === 0) {
    const b = v7Plus(h, split?.[1] ?? h.name, h.size);
    if (split !== undefined) putString(b, 345, PREFIX_SIZE, split[0]);
    return finish(b);
  }
  return Buffer.concat([...paxHeaderBlocks(h, records), finish(v7Plus(h, toAscii(h.name), h.size))]);
}

/** The end-of-archive marker Go writes on Close: two zero blocks, no record padding. */
export const TRAILER: Buffer = Buffer.alloc(2 * BLOCK);
