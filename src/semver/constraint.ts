// SPDX-License-Identifier: Apache-2.0
import { rewriteRanges, scanAndGroup } from "./constraint-syntax.ts";
import type { ConstraintItem, Operator } from "./constraint-syntax.ts";
import { SemverError } from "./errors.ts";
import { checkComparator, describeFailure } from "./comparator.ts";
import type { Comparator } from "./comparator.ts";
import { isVersion, scanVersion } from "./version.ts";
import type { Version } from "./version.ts";

/**
 * A parsed Masterminds/semver v3 range: `||`-separated branches of AND-ed comparators.
 * https://github.com/Masterminds/semver#checking-version-constraints
 */
export interface Constraint {
  /** The range as the user wrote it. */
  readonly source: string;
  /** OR branches; each is a list of comparators that must all hold. */
  readonly groups: readonly (readonly Comparator[])[];
  /**
   * Per branch: whether some comparator carries a prerelease. Only such a branch admits prerelease
   * versions, and then prereleases of any major.minor.patch (Masterminds `containsPre`, v3.4.0).
   */
  readonly groupHasPrerelease: readonly boolean[];
}

function isWildcard(part: string | undefined): boolean {
  return part === "x" || part === "X" || part === "*";
}

/** Builds one comparator (Masterminds `parseConstraint`); partial and wildcard versions become ranges. */
function toComparator(item: ConstraintItem): Comparator | undefined {
  const { major, minor, patch, prerelease, text } = item.version;
  const pre = prerelease === "" ? "" : `-${prerelease}`;
  let base = text;
  let dirty = true;
  let minorDirty = false;
  let patchDirty = false;
  if (isWildcard(major)) {
    base = `0.0.0${pre}`;
  } else if (minor === undefined || isWildcard(minor)) {
    minorDirty = true;
    base = `${major}.0.0${pre}`;
  } else if (patch === undefined || isWildcard(patch)) {
    patchDirty = true;
    base = `${major}.${minor}.0${pre}`;
  } else {
    dirty = false;
  }
  const version = scanVersion(base);
  if (!isVersion(version)) return undefined;
  return { op: item.op, text, version, dirty, minorDirty, patchDirty };
}

function invalid(source: string, detail: string): SemverError {
  return new SemverError({
    code: "INVALID_SEMVER",
    message: `semver '${source}' parse error: ${detail}`,
    range: source,
  });
}

/**
 * Parses a range with Masterminds/semver v3 `NewConstraint` semantics: `,` and whitespace mean AND,
 * `||` means OR; operators `=` `!=` `>` `<` `>=` `=>` `<=` `=<` `~` `~>` `^`; `x`/`X`/`*` wildcards;
 * partial versions are ranges (`1.2` is `1.2.x`, `>1.2` is `>=1.3.0`); `A - B` hyphen ranges need
 * spaces around the dash; a leading `v` is allowed. The empty string is invalid, as in Masterminds.
 * Throws {@link SemverError} `INVALID_SEMVER` with a message in Flux's wording
 * (`semver '<range>' parse error: …`).
 */
export function parseConstraint(source: string): Constraint {
  const branches = rewriteRanges(source).split("||");
  const groups: Comparator[][] = [];
  const groupHasPrerelease: boolean[] = [];
  for (const branch of branches) {
    const items = scanAndGroup(branch);
    if (items === undefined) throw invalid(source, `improper constraint: ${JSON.stringify(branch)}`);
    const group: Comparator[] = [];
    for (const item of items) {
      const c = toComparator(item);
      if (c === undefined)
        throw invalid(source, `invalid version ${JSON.stringify(item.version.text)} in constraint`);
      group.push(c);
    }
    groups.push(group);
    groupHasPrerelease.push(group.some((c) => c.version.prerelease !== ""));
  }
  return { source, groups, groupHasPrerelease };
}

/**
 * True when `v` satisfies the range (Masterminds `Constraints.Check`). A prerelease version only
 * matches in a branch with a prerelease comparator, unless `includePrerelease` is set (Flux never sets it).
 */
export function checkConstraint(c: Constraint, v: Version, includePrerelease = false): boolean {
  for (let g = 0; g < c.groups.length; g++) {
    const group = c.groups[g] ?? [];
    const pre = includePrerelease || c.groupHasPrerelease[g] === true;
    let ok = true;
    for (const comparator of group) {
      if (checkComparator(comparator, v, pre) !== undefined) {
        ok = false;
        break;
      }
    }
    if (ok) return true;
  }
  return false;
}

/**
 * Why `v` does not satisfy the range, in Masterminds `Validate` wording (`"1.2.3" is less than "2"`):
 * every failing comparator of every branch, the prerelease message at most once. Empty when satisfied.
 */
export function validateConstraint(c: Constraint, v: Version, includePrerelease = false): string[] {
  const errors: string[] = [];
  let reportedPrerelease = false;
  for (let g = 0; g < c.groups.length; g++) {
    const pre = includePrerelease || c.groupHasPrerelease[g] === true;
    let ok = true;
    for (const comparator of c.groups[g] ?? []) {
      const failure = checkComparator(comparator, v, pre);
      if (failure === undefined) continue;
      ok = false;
      if (failure === "prerelease") {
        if (reportedPrerelease) continue;
        reportedPrerelease = true;
      }
      errors.push(describeFailure(failure, v, comparator));
    }
    if (ok) return [];
  }
  return errors;
}

/** Canonical text (Masterminds `String()`): `op version` items joined by spaces, branches by ` || `. */
export function formatConstraint(c: Constraint): string {
  return c.groups.map((g) => g.map((x) => `${x.op}${x.text}`).join(" ")).join(" || ");
}

export type { Comparator, Operator };
