// SPDX-License-Identifier: Apache-2.0
const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const GO_DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;

/**
 * Parses a Go-style duration as Kubernetes APIs write them (`500ms`, `30s`, `1m30s`, `2h`; Flux's
 * `^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$`) into milliseconds, or undefined when it is not one.
 */
export function parseGoDuration(s: string): number | undefined {
  if (!GO_DURATION.test(s)) return undefined;
  let ms = 0;
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) ms += Number(m[1]) * (UNITS[m[2] ?? "s"] ?? 1000);
  return Math.round(ms);
}

/** Formats milliseconds the way Go prints durations (`250ms`, `30s`, `1m30s`, `2h0m0s` → `2h`). */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  return [h ? `${h}h` : "", m ? `${m}m` : "", s ? `${s}s` : ""].join("");
}
