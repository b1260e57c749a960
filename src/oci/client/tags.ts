// SPDX-License-Identifier: Apache-2.0
import { OciError } from "../errors.ts";
import { readCapped } from "../transport/read.ts";
import type { RegistrySession } from "./session.ts";

/** Tags asked for per page; registries that ignore `n` (distribution 2.8.2) send everything at once. */
const PAGE_SIZE = 1000;

/**
 * Lists every tag of a repository, following `Link: <…>; rel="next"` across pages
 * (https://github.com/opencontainers/distribution-spec/blob/main/spec.md#listing-tags). Each page is capped in
 * bytes, pages are capped in number, and a next link must stay on the same registry (SSRF guard, as
 * go-containerregistry `getNextPageURL`).
 */
export async function listTags(
  session: RegistrySession,
  repository: string,
  signal?: AbortSignal,
): Promise<string[]> {
  const tags: string[] = [];
  const seen = new Set<string>();
  let url: string | undefined = `/v2/${repository}/tags/list?n=${PAGE_SIZE}`;
  for (let page = 0; url !== undefined; page++) {
    if (page >= session.limits.tagPages) {
      throw new OciError({
        code: "SIZE_EXCEEDED",
        message: `tag list of ${session.registry}/${repository} has more than ${session.limits.tagPages} pages`,
      });
    }
    const current: string = session.urlFor(url);
    seen.add(current);
    const { pageTags, next } = await session.request(
      { method: "GET", url: current, repository, actions: "pull", expect: [200], signal },
      async (res) => {
        const bytes = await readCapped(
          res.body,
          session.limits.tagListPageBytes,
          `tag list of ${repository}`,
        );
        return {
          pageTags: parseTagList(bytes, repository),
          next: nextLink(res.headers.get("link"), current),
        };
      },
    );
    tags.push(...pageTags);
    url = next !== undefined && !seen.has(next) ? checkSameOrigin(next, current) : undefined;
  }
  return tags;
}

function parseTagList(bytes: Uint8Array, repository: string): string[] {
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new OciError({ code: "REGISTRY_ERROR", message: `tag list of ${repository} is not JSON` });
  }
  const tags = (body as { tags?: unknown } | null)?.tags;
  if (tags === null || tags === undefined) return [];
  if (!Array.isArray(tags) || !tags.every((t) => typeof t === "string")) {
    throw new OciError({
      code: "REGISTRY_ERROR",
      message: `tag list of ${repository} has no array of strings`,
    });
  }
  return tags;
}

/** The `rel="next"` target of an RFC 8288 `Link` header, resolved against the request URL. */
export function nextLink(header: string | null, base: string): string | undefined {
  if (header === null) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (m?.[1] !== undefined && /;\s*rel="?next"?/i.test(m[2] ?? "")) return new URL(m[1], base).toString();
  }
  return undefined;
}

function checkSameOrigin(next: string, current: string): string {
  if (new URL(next).origin !== new URL(current).origin) {
    throw new OciError({
      code: "REGISTRY_ERROR",
      message: `tag list pagination leaves the registry (${new URL(next).origin})`,
    });
  }
  return next;
}
