// SPDX-License-Identifier: Apache-2.0
// Unified diffs of two texts (GNU diff -u format). Hand-written: a line diff is ~100 lines (Myers' O(ND)
// algorithm), less than a dependency.

/** One edit of a line diff. */
export interface LineEdit {
  readonly op: " " | "-" | "+";
  readonly line: string;
}

function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

// Myers' greedy shortest edit script on a and b (no common prefix/suffix handling here).
function myers(a: readonly string[], b: readonly string[]): LineEdit[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && (v[off + k - 1] ?? 0) < (v[off + k + 1] ?? 0));
      let x = down ? (v[off + k + 1] ?? 0) : (v[off + k - 1] ?? 0) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  // Walk the trace back from (n, m).
  const edits: LineEdit[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const vd = trace[d] ?? v;
    const k = x - y;
    const down = k === -d || (k !== d && (vd[off + k - 1] ?? 0) < (vd[off + k + 1] ?? 0));
    const prevK = down ? k + 1 : k - 1;
    const prevX = vd[off + prevK] ?? 0;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      edits.push({ op: " ", line: a[x] ?? "" });
    }
    if (d > 0) {
      if (down) edits.push({ op: "+", line: b[--y] ?? "" });
      else edits.push({ op: "-", line: a[--x] ?? "" });
    }
  }
  return edits.reverse();
}

/** The line edits that turn `before` into `after` (a shortest edit script). */
export function diffLines(before: string, after: string): LineEdit[] {
  const a = splitLines(before);
  const b = splitLines(after);
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf])
    suf++;
  const mid = myers(a.slice(pre, a.length - suf), b.slice(pre, b.length - suf));
  return [
    ...a.slice(0, pre).map((line) => ({ op: " " as const, line })),
    ...mid,
    ...a.slice(a.length - suf).map((line) => ({ op: " " as const, line })),
  ];
}

function range(start: number, count: number): string {
  if (count === 0) return `${start},0`;
  return count === 1 ? `${start + 1}` : `${start + 1},${count}`;
}

/**
 * A unified diff (`--- from`, `+++ to`, `@@` hunks with `context` lines around changes); empty when the
 * texts are equal.
 */
export function unifiedDiff(
  before: string,
  after: string,
  labels: { from: string; to: string },
  context = 3,
): string {
  const edits = diffLines(before, after);
  if (edits.every((e) => e.op === " ")) return "";
  const out = [`--- ${labels.from}`, `+++ ${labels.to}`];
  let i = 0;
  let aLine = 0;
  let bLine = 0;
  const changed = edits.map((e) => e.op !== " ");
  while (i < edits.length) {
    const next = changed.indexOf(true, i);
    if (next < 0) break;
    const start = Math.max(i, next - context);
    // Advance line counters over the skipped unchanged lines.
    for (let j = i; j < start; j++) {
      aLine++;
      bLine++;
    }
    let end = next;
    for (;;) {
      while (end < edits.length && changed[end] === true) end++;
      const again = changed.indexOf(true, end);
      if (again < 0 || again - end > 2 * context) break;
      end = again;
    }
    const stop = Math.min(edits.length, end + context);
    const hunk = edits.slice(start, stop);
    const aCount = hunk.filter((e) => e.op !== "+").length;
    const bCount = hunk.filter((e) => e.op !== "-").length;
    out.push(`@@ -${range(aLine, aCount)} +${range(bLine, bCount)} @@`);
    for (const e of hunk) out.push(`${e.op}${e.line}`);
    aLine += aCount;
    bLine += bCount;
    i = stop;
  }
  return `${out.join("\n")}\n`;
}
