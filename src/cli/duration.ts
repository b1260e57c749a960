// SPDX-License-Identifier: Apache-2.0
import { ConfigError } from "../core/index.ts";

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a Go-style duration (`500ms`, `30s`, `1m30s`, `2h`) into milliseconds; a bare number is seconds. */
export function parseDuration(s: string, flag: string): number {
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const parts = [...s.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  const consumed = parts.map((p) => p[0]).join("");
  if (parts.length === 0 || consumed !== s) {
    throw new ConfigError({
      code: "INVALID_ARGUMENT",
      message: `${flag}: invalid duration ${JSON.stringify(s)} (use e.g. 30s, 2m, 1m30s)`,
    });
  }
  return Math.round(parts.reduce((ms, p) => ms + Number(p[1]) * (UNITS[p[2] ?? "s"] ?? 1000), 0));
}

/** Formats milliseconds the way users wrote them (`30s`, `1m30s`, `250ms`). */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  return [h ? `${h}h` : "", m ? `${m}m` : "", s ? `${s}s` : ""].join("");
}
