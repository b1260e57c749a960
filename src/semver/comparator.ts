// SPDX-License-Identifier: Apache-2.0
// The comparison functions of Masterminds/semver v3 (constraints.go `constraint*`), re-expressed over
// plain data. "Dirty" comparators come from partial or wildcard versions (`1.2`, `1.x`, `*`) and act as
// ranges; the quirks are kept on purpose (`~0.0.0` matches everything, `<=*` only 0.x, `!=*` all but 0.0.0).
import type { Operator } from "./constraint-syntax.ts";
import { comparePrerelease, compareVersions, formatVersion } from "./version.ts";
import type { Version } from "./version.ts";

/** One comparator of an AND group, e.g. `>= 1.2` (version 1.2.0, patch part dirty). */
export interface Comparator {
  readonly op: Operator;
  /** The version as written in the range, e.g. `1.2.x`. */
  readonly text: string;
  /** The version compared against: missing and wildcard parts are 0, prerelease kept. */
  readonly version: Version;
  /** True when some part was missing or a wildcard. */
  readonly dirty: boolean;
  /** The minor (and so the patch) part was missing or a wildcard: `1`, `1.x`. */
  readonly minorDirty: boolean;
  /** Only the patch part was missing or a wildcard: `1.2`, `1.2.x`. */
  readonly patchDirty: boolean;
}

/** Why a comparator rejected a version; each maps to one Masterminds `Validate` message. */
export type ComparatorFailure =
  | "prerelease"
  | "not-equal"
  | "equal"
  | "less"
  | "less-or-equal"
  | "greater"
  | "greater-or-equal"
  | "major"
  | "major-minor"
  | "minor-zero-major"
  | "minor"
  | "patch-zero";

type Check = (v: Version, c: Comparator) => ComparatorFailure | undefined;

const notEqual: Check = (v, c) => {
  const k = c.version;
  if (c.dirty) {
    if (k.major !== v.major) return undefined;
    if (k.minor !== v.minor && !c.minorDirty) return undefined;
    if (c.minorDirty) return "equal";
    if (k.patch !== v.patch && !c.patchDirty) return undefined;
    if (c.patchDirty) {
      if (v.prerelease !== "" || k.prerelease !== "") {
        return comparePrerelease(v.prerelease, k.prerelease) !== 0 ? undefined : "equal";
      }
      return "equal";
    }
  }
  return compareVersions(v, k) === 0 ? "equal" : undefined;
};

const greaterThan: Check = (v, c) => {
  const k = c.version;
  if (c.dirty) {
    if (v.major > k.major) return undefined;
    if (v.major < k.major || c.minorDirty) return "less-or-equal";
    if (c.patchDirty) return v.minor > k.minor ? undefined : "less-or-equal";
  }
  return compareVersions(v, k) > 0 ? undefined : "less-or-equal";
};

const lessThan: Check = (v, c) => (compareVersions(v, c.version) < 0 ? undefined : "greater-or-equal");

const greaterOrEqual: Check = (v, c) => (compareVersions(v, c.version) >= 0 ? undefined : "less");

const lessOrEqual: Check = (v, c) => {
  const k = c.version;
  if (!c.dirty) return compareVersions(v, k) <= 0 ? undefined : "greater";
  if (v.major > k.major) return "greater";
  if (v.major === k.major && v.minor > k.minor && !c.minorDirty) return "greater";
  return undefined;
};

const tilde: Check = (v, c) => {
  const k = c.version;
  if (compareVersions(v, k) < 0) return "less";
  if (k.major === 0n && k.minor === 0n && k.patch === 0n && !c.minorDirty && !c.patchDirty) return undefined;
  if (v.major !== k.major) return "major";
  if (v.minor !== k.minor && !c.minorDirty) return "major-minor";
  return undefined;
};

const tildeOrEqual: Check = (v, c) => {
  if (c.dirty) return tilde(v, c);
  return compareVersions(v, c.version) === 0 ? undefined : "not-equal";
};

const caret: Check = (v, c) => {
  const k = c.version;
  if (compareVersions(v, k) < 0) return "less";
  if (k.major > 0n || c.minorDirty) return v.major === k.major ? undefined : "major";
  if (v.major > 0n) return "major";
  if (k.minor > 0n || c.patchDirty) return v.minor === k.minor ? undefined : "minor-zero-major";
  if (v.minor > 0n) return "minor";
  return v.patch === k.patch ? undefined : "patch-zero";
};

const CHECKS: Readonly<Record<Operator, Check>> = {
  "": tildeOrEqual,
  "=": tildeOrEqual,
  "!=": notEqual,
  ">": greaterThan,
  "<": lessThan,
  ">=": greaterOrEqual,
  "=>": greaterOrEqual,
  "<=": lessOrEqual,
  "=<": lessOrEqual,
  "~": tilde,
  "~>": tilde,
  "^": caret,
};

/**
 * Checks `v` against one comparator; undefined when it holds. A prerelease version fails every
 * comparator unless `includePrerelease` (decided per AND group by the caller).
 */
export function checkComparator(
  c: Comparator,
  v: Version,
  includePrerelease: boolean,
): ComparatorFailure | undefined {
  if (v.prerelease !== "" && !includePrerelease) return "prerelease";
  return CHECKS[c.op](v, c);
}

/** The Masterminds `Validate` message for a failure, e.g. `"1.2.3" is less than "2"`. */
export function describeFailure(f: ComparatorFailure, v: Version, c: Comparator): string {
  const vs = JSON.stringify(formatVersion(v));
  const cs = JSON.stringify(c.text);
  switch (f) {
    case "prerelease":
      return `${vs} is a prerelease version and the constraint is only looking for release versions`;
    case "not-equal":
      return `${vs} is not equal to ${cs}`;
    case "equal":
      return `${vs} is equal to ${cs}`;
    case "less":
      return `${vs} is less than ${cs}`;
    case "less-or-equal":
      return `${vs} is less than or equal to ${cs}`;
    case "greater":
      return `${vs} is greater than ${cs}`;
    case "greater-or-equal":
      return `${vs} is greater than or equal to ${cs}`;
    case "major":
      return `${vs} does not have same major version as ${cs}`;
    case "major-minor":
      return `${vs} does not have same major and minor version as ${cs}`;
    case "minor-zero-major":
      return `${vs} does not have same minor version as ${cs}. Expected minor versions to match when constraint major version is 0`;
    case "minor":
      return `${vs} does not have same minor version as ${cs}`;
    case "patch-zero":
      return `${vs} does not equal ${cs}. Expect version and constraint to equal when major and minor versions are 0`;
  }
}
