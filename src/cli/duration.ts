// SPDX-License-Identifier: Apache-2.0
import { ConfigError, parseGoDuration } from "../core/index.ts";

/** Parses a flag's duration (`500ms`, `30s`, `1m30s`, `2h`; a bare number is seconds) into milliseconds. */
export function parseDuration(s: string, flag: string): number {
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const ms = parseGoDuration(s);
  if (ms === undefined) {
    throw new ConfigError({
      code: "INVALID_ARGUMENT",
      message: `${flag}: invalid duration ${JSON.stringify(s)} (use e.g. 30s, 2m, 1m30s)`,
    });
  }
  return ms;
}
