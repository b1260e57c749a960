// SPDX-License-Identifier: Apache-2.0
import { parseGoDuration } from "./duration.ts";

/** Reports an invalid field; each layer throws its own error type with a stable code. */
export type Fail = (field: string, why: string) => never;

/** True for a plain object (not null, not an array). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Field validators for hand-written API types (STYLE §7: validate at the boundary), bound to one way of
 * failing. Every message names the field by its path, e.g. `spec.ref.semver: must be a string`.
 */
export function fieldValidators(fail: Fail) {
  const absent = (v: unknown): v is undefined | null => v === undefined || v === null;
  const record = (v: unknown, field: string): Record<string, unknown> =>
    isRecord(v) ? v : fail(field, "must be an object");
  const optString = (v: unknown, field: string, pattern?: RegExp, what?: string): string | undefined => {
    if (absent(v)) return undefined;
    if (typeof v !== "string") return fail(field, "must be a string");
    if (pattern !== undefined && !pattern.test(v))
      return fail(field, `${JSON.stringify(v)} ${what ?? `must match ${pattern.source}`}`);
    return v;
  };
  const reqString = (v: unknown, field: string, pattern?: RegExp, what?: string): string => {
    const s = optString(v, field, pattern, what);
    return s === undefined || s === "" ? fail(field, "is required") : s;
  };
  const optBool = (v: unknown, field: string): boolean | undefined => {
    if (absent(v)) return undefined;
    return typeof v === "boolean" ? v : fail(field, "must be true or false");
  };
  const optEnum = <T extends string>(v: unknown, field: string, values: readonly T[]): T | undefined => {
    const s = optString(v, field);
    if (s === undefined) return undefined;
    return (values as readonly string[]).includes(s)
      ? (s as T)
      : fail(field, `must be one of ${values.join(", ")}`);
  };
  const optDuration = (v: unknown, field: string): string | undefined => {
    const s = optString(v, field);
    if (s !== undefined && parseGoDuration(s) === undefined)
      return fail(field, `${JSON.stringify(s)} is not a duration (e.g. 30s, 5m, 1h)`);
    return s;
  };
  const optList = <T>(v: unknown, field: string, item: (x: unknown, f: string) => T): T[] | undefined => {
    if (absent(v)) return undefined;
    return Array.isArray(v) ? v.map((x, i) => item(x, `${field}[${i}]`)) : fail(field, "must be a list");
  };
  const optName = (v: unknown, field: string): { name: string } | undefined => {
    if (absent(v)) return undefined;
    return { name: reqString(record(v, field).name, `${field}.name`) };
  };
  return { record, optString, reqString, optBool, optEnum, optDuration, optList, optName };
}

/** Drops keys whose value is undefined (for `exactOptionalPropertyTypes` objects built from optional parts). */
export function compact<T extends Record<string, unknown>>(
  o: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
