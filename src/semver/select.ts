// SPDX-License-Identifier: Apache-2.0
import { checkConstraint, parseConstraint, validateConstraint } from "./constraint.ts";
import type { Constraint } from "./constraint.ts";
import { SemverError } from "./errors.ts";
import { compileFilter } from "./filter.ts";
import type { TagFilter } from "./filter.ts";
import { HELM_CHART_LAYER_MEDIA_TYPE, parseFluxTag, scanFluxTag } from "./flux-tag.ts";
import { compareVersions, formatVersion } from "./version.ts";
import type { Version } from "./version.ts";

/**
 * What happened to one tag during selection. `superseded` (in range, but a higher version won) is
 * needed besides the verdicts the issue lists, so that every tag gets exactly one verdict.
 */
export type Verdict =
  | "selected"
  | "out-of-range"
  | "prerelease-excluded"
  | "filtered-out"
  | "not-a-version"
  | "lost-tie"
  | "superseded";

/** One tag's verdict for `--explain`. `version` is the canonical version when the tag parsed. */
export interface TagVerdict {
  readonly tag: string;
  readonly verdict: Verdict;
  readonly version?: string;
  readonly reason?: string;
}

/** The chosen tag, as listed by the registry, and its canonical version. */
export interface Selection {
  readonly tag: string;
  readonly version: string;
  /** One verdict per input tag, in input order, when `explain` was set; empty otherwise. */
  readonly verdicts: readonly TagVerdict[];
}

/** Options of {@link selectTag}. */
export interface SelectOptions {
  /** OCIRepository `spec.ref.semverFilter`: Go RE2, matched unanchored against the raw tag. Empty means none. */
  readonly filter?: string;
  /** Give every tag a verdict with a reason (slower; meant for humans). */
  readonly explain?: boolean;
  /** OCIRepository `spec.layerSelector.mediaType`; the Helm chart type makes `_` in tags mean `+`. */
  readonly layerMediaType?: string;
}

interface Context {
  readonly tags: readonly string[];
  readonly range: string;
  readonly constraint: Constraint;
  readonly filter: TagFilter | undefined;
  readonly helm: boolean;
}

function toSemverTag(tag: string, helm: boolean): string {
  return helm && tag.includes("_") ? tag.replaceAll("_", "+") : tag;
}

/**
 * Picks the tag Flux's OCIRepository would pick for `spec.ref.semver` (source-controller
 * `getTagBySemver`): keep tags matching the filter, read each with Flux's tag parser
 * ({@link parseFluxTag}), keep those satisfying the Masterminds range, return the highest as spelled.
 * Ties (`1.0.0` vs `v1.0.0`, differing build metadata) go to the lexically smallest tag, whatever the
 * listing order; Flux keeps the first listed, which is the same when the registry lists lexically.
 * Each tag is parsed once; without `explain` no per-tag strings are built.
 * Throws {@link SemverError} `INVALID_FILTER`, then `INVALID_SEMVER`, then `NO_MATCHING_TAG`, in
 * Flux's order. https://fluxcd.io/flux/components/source/ocirepositories/#semver-example
 */
export function selectTag(tags: readonly string[], range: string, opts: SelectOptions = {}): Selection {
  const filter = opts.filter === undefined || opts.filter === "" ? undefined : compileFilter(opts.filter);
  const constraint = parseConstraint(range);
  const ctx: Context = {
    tags,
    range,
    constraint,
    filter,
    helm: opts.layerMediaType === HELM_CHART_LAYER_MEDIA_TYPE,
  };
  let best = -1;
  let bestVersion: Version | undefined;
  for (let i = 0; i < tags.length; i++) {
    const tag = tags[i] ?? "";
    if (filter !== undefined && !filter.test(tag)) continue;
    const v = scanFluxTag(toSemverTag(tag, ctx.helm));
    if (v === undefined || !checkConstraint(constraint, v)) continue;
    if (bestVersion !== undefined) {
      const d = compareVersions(v, bestVersion);
      if (d < 0 || (d === 0 && tag >= (tags[best] ?? ""))) continue;
    }
    best = i;
    bestVersion = v;
  }
  if (bestVersion === undefined) throw noMatch(ctx);
  const tag = tags[best] ?? "";
  const verdicts = opts.explain === true ? explainTags(ctx, best, bestVersion) : [];
  return { tag, version: formatVersion(bestVersion), verdicts };
}

/** Verdict for a tag before the winner is known; `undefined` verdict means "in range". */
function classify(ctx: Context, tag: string): { verdict?: Verdict; version?: Version; reason?: string } {
  if (ctx.filter !== undefined && !ctx.filter.test(tag)) {
    return {
      verdict: "filtered-out",
      reason: `filtered out: does not match semverFilter ${JSON.stringify(ctx.filter.source)}`,
    };
  }
  const parsed = parseFluxTag(toSemverTag(tag, ctx.helm));
  if (parsed.kind === "not-a-version")
    return { verdict: "not-a-version", reason: `not a version: ${parsed.reason}` };
  const v = parsed.version;
  if (checkConstraint(ctx.constraint, v)) return { version: v };
  const ver = formatVersion(v);
  if (v.prerelease !== "" && checkConstraint(ctx.constraint, v, true)) {
    const why = ctx.constraint.groupHasPrerelease.some(Boolean)
      ? "the ||-branches it satisfies have no prerelease"
      : "the range has no prerelease (add -0, as in >=1.0.0-0, to admit prereleases)";
    return { verdict: "prerelease-excluded", version: v, reason: `prerelease ${ver} excluded: ${why}` };
  }
  const details = validateConstraint(ctx.constraint, v, v.prerelease !== "");
  const suffix = details.length > 0 ? ` (${details.join("; ")})` : "";
  return {
    verdict: "out-of-range",
    version: v,
    reason: `out of range: ${ver} does not satisfy ${ctx.range}${suffix}`,
  };
}

function explainTags(ctx: Context, best: number, bestVersion: Version | undefined): TagVerdict[] {
  const winner = ctx.tags[best] ?? "";
  const winnerVersion = bestVersion === undefined ? "" : formatVersion(bestVersion);
  let ties = 0;
  const verdicts = ctx.tags.map((tag, i): TagVerdict => {
    const c = classify(ctx, tag);
    const version = c.version === undefined ? {} : { version: formatVersion(c.version) };
    if (c.verdict !== undefined)
      return { tag, verdict: c.verdict, ...version, ...(c.reason === undefined ? {} : { reason: c.reason }) };
    if (i === best)
      return {
        tag,
        verdict: "selected",
        ...version,
        reason: `selected: highest version satisfying ${ctx.range}`,
      };
    if (
      c.version !== undefined &&
      bestVersion !== undefined &&
      compareVersions(c.version, bestVersion) === 0
    ) {
      ties++;
      const why = tag === winner ? "listed twice" : "the lexically smallest tag wins";
      return {
        tag,
        verdict: "lost-tie",
        ...version,
        reason: `lost a tie to ${winner} (same version ${winnerVersion}; ${why})`,
      };
    }
    const higher = winner === winnerVersion ? winner : `${winner} (${winnerVersion})`;
    return { tag, verdict: "superseded", ...version, reason: `in range, but ${higher} is higher` };
  });
  if (ties > 0 && best >= 0) {
    const sel = verdicts[best];
    const others = ties === 1 ? "1 other tag" : `${ties} other tags`;
    if (sel !== undefined)
      verdicts[best] = {
        ...sel,
        reason: `${sel.reason ?? ""}; won a tie against ${others} (the lexically smallest tag wins)`,
      };
  }
  return verdicts;
}

const COUNT_LABELS: readonly [Verdict, string][] = [
  ["out-of-range", "out of range"],
  ["prerelease-excluded", "prerelease excluded"],
  ["filtered-out", "filtered out"],
  ["not-a-version", "not a version"],
];

/** NO_MATCHING_TAG in Flux's words (`no match found for semver: <range>`) plus what was seen. */
function noMatch(ctx: Context): SemverError {
  const counts = new Map<Verdict, number>();
  for (const tag of ctx.tags) {
    const v = classify(ctx, tag).verdict;
    if (v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  const parts = COUNT_LABELS.filter(([v]) => counts.has(v)).map(
    ([v, label]) => `${counts.get(v) ?? 0} ${label}`,
  );
  const seen = `${ctx.tags.length} ${ctx.tags.length === 1 ? "tag" : "tags"} seen`;
  return new SemverError({
    code: "NO_MATCHING_TAG",
    message: `no match found for semver: ${ctx.range} (${parts.length > 0 ? `${seen}: ${parts.join(", ")}` : seen})`,
    range: ctx.range,
    ...(ctx.filter === undefined ? {} : { filter: ctx.filter.source }),
    tagsSeen: ctx.tags.length,
  });
}
