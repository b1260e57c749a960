// SPDX-License-Identifier: Apache-2.0
// Resource mappings from the discovery API (`/api/v1`, `/apis/<group>/<version>`, `/apis`), cached per
// group/version and refetched once on a miss (a CRD applied a moment ago).
import { ApplyError } from "../errors.ts";
import { formatApiVersion, isRecord, type Gvk } from "../object.ts";
import { apiError, type ApiRequest, type ApiResponse } from "./http.ts";
import type { ResourceMapping } from "./port.ts";

type Send = (req: ApiRequest) => Promise<ApiResponse>;

interface ApiResource {
  readonly name: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

function resourcesOf(body: unknown): ApiResource[] {
  const list = isRecord(body) ? body["resources"] : undefined;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (r): r is ApiResource =>
      isRecord(r) &&
      typeof r["name"] === "string" &&
      !r["name"].includes("/") &&
      typeof r["kind"] === "string",
  );
}

/** A discovery cache over one API server. */
export class Discovery {
  private readonly send: Send;
  private readonly byGroupVersion = new Map<string, Promise<ApiResource[] | undefined>>();
  private preferred: Promise<Map<string, string>> | undefined;

  constructor(send: Send) {
    this.send = send;
  }

  private fetchGroupVersion(gv: string, signal: AbortSignal | undefined): Promise<ApiResource[] | undefined> {
    const path = gv.includes("/") ? `/apis/${gv}` : `/api/${gv}`;
    return this.send({ method: "GET", path, signal }).then((res) => {
      if (res.status === 404) return undefined;
      if (res.status !== 200) throw apiError(res, `discovery ${path}`);
      return resourcesOf(res.body);
    });
  }

  private resources(
    gv: string,
    refresh: boolean,
    signal: AbortSignal | undefined,
  ): Promise<ApiResource[] | undefined> {
    let p = refresh ? undefined : this.byGroupVersion.get(gv);
    if (p === undefined) {
      p = this.fetchGroupVersion(gv, signal);
      this.byGroupVersion.set(gv, p);
      p.catch(() => this.byGroupVersion.delete(gv));
    }
    return p;
  }

  /** The mapping of a kind; refetches its group/version once when the cached list lacks it. */
  async mapping(gvk: Gvk, opts: { signal?: AbortSignal; refresh?: boolean } = {}): Promise<ResourceMapping> {
    const gv = formatApiVersion(gvk);
    let found = (await this.resources(gv, opts.refresh === true, opts.signal))?.find(
      (r) => r.kind === gvk.kind,
    );
    if (found === undefined && opts.refresh !== true) {
      found = (await this.resources(gv, true, opts.signal))?.find((r) => r.kind === gvk.kind);
    }
    if (found === undefined) {
      throw new ApplyError({
        code: "UNKNOWN_KIND",
        message: `no matches for kind "${gvk.kind}" in version "${gv}"`,
        retryable: true,
      });
    }
    return { ...gvk, resource: found.name, namespaced: found.namespaced };
  }

  private preferredVersions(signal: AbortSignal | undefined): Promise<Map<string, string>> {
    this.preferred ??= this.send({ method: "GET", path: "/apis", signal }).then((res) => {
      if (res.status !== 200) throw apiError(res, "discovery /apis");
      const out = new Map<string, string>([["", "v1"]]);
      const groups = isRecord(res.body) ? res.body["groups"] : undefined;
      for (const g of Array.isArray(groups) ? groups : []) {
        if (!isRecord(g) || typeof g["name"] !== "string" || !isRecord(g["preferredVersion"])) continue;
        const v = g["preferredVersion"]["version"];
        if (typeof v === "string") out.set(g["name"], v);
      }
      return out;
    });
    this.preferred.catch(() => (this.preferred = undefined));
    return this.preferred;
  }

  /** The mapping of a group/kind at its group's preferred version; undefined when not served. */
  async mappingForGroupKind(
    group: string,
    kind: string,
    signal?: AbortSignal,
  ): Promise<ResourceMapping | undefined> {
    const version = (await this.preferredVersions(signal)).get(group);
    if (version === undefined) return undefined;
    try {
      return await this.mapping({ group, version, kind }, signal === undefined ? {} : { signal });
    } catch (e) {
      if (e instanceof ApplyError && e.code === "UNKNOWN_KIND") return undefined;
      throw e;
    }
  }
}
