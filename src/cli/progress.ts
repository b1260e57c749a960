// SPDX-License-Identifier: Apache-2.0
import type { CliIo } from "./io.ts";

/** A one-line progress bar on stderr; silent unless stderr is a TTY (DESIGN.md §6: data on stdout, bars on a TTY). */
export interface ProgressBar {
  /** Redraws with `done` of `total` bytes (at most every 100 ms, always at 100 %). */
  update(done: number, total: number): void;
  /** Shows a phase without a byte count (`packing…`). */
  phase(label: string): void;
  /** Clears the line. */
  done(): void;
}

const WIDTH = 30;

function mib(n: number): string {
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}

/** A progress bar for `label`, or a no-op when stderr is not a terminal or `quiet` is set. */
export function progressBar(
  io: CliIo,
  label: string,
  opts: { quiet?: boolean; now?: () => number } = {},
): ProgressBar {
  const tty = io.stderr.isTTY === true && opts.quiet !== true;
  const now = opts.now ?? (() => performance.now());
  let last = -Infinity;
  let drawn = false;
  const draw = (s: string) => {
    io.stderr.write(`\r\x1b[2K${s}`);
    drawn = true;
  };
  return {
    update(done, total) {
      if (!tty) return;
      const t = now();
      if (done < total && t - last < 100) return;
      last = t;
      const frac = total > 0 ? Math.min(1, done / total) : 1;
      const full = Math.round(frac * WIDTH);
      draw(
        `${label} [${"#".repeat(full)}${".".repeat(WIDTH - full)}] ${mib(done)} / ${mib(total)} ${Math.round(frac * 100)}%`,
      );
    },
    phase(text) {
      if (tty) draw(`${label} ${text}`);
    },
    done() {
      if (tty && drawn) io.stderr.write("\r\x1b[2K");
    },
  };
}
