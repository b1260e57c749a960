// SPDX-License-Identifier: Apache-2.0
// Live objects for a stage: one LIST per kind and namespace where several objects share them, instead of a
// GET per object (500 objects in a few namespaces: a handful of LISTs instead of 500 GETs). Where LIST is
// not allowed (403), or for single objects, GET.
import { mapLimit } from "./concurrency.ts";
import { ApplyError } from "./errors.ts";
import type { KubePort, ResourceMapping } from "./kube/port.ts";
import { gvkOf, nameOf, namespaceOf, type Unstructured } from "./object.ts";

/** Objects sharing a kind and namespace above which one LIST replaces their GETs. */
export const LIST_THRESHOLD = 3;

function collectionKey(m: ResourceMapping, namespace: string): string {
  return `${m.group}/${m.version}/${m.resource}/${m.namespaced ? namespace : ""}`;
}

/** A snapshot of live objects read by LIST, with GET for everything else. */
export class LiveCache {
  private readonly port: KubePort;
  private readonly collections = new Map<string, Map<string, Unstructured>>();

  constructor(port: KubePort) {
    this.port = port;
  }

  /** LISTs the collections that several of `objects` live in (namespaced objects without one use `defaultNamespace`). */
  async prefetch(
    objects: readonly Unstructured[],
    defaultNamespace: string | undefined,
    signal?: AbortSignal,
  ): Promise<void> {
    const sig = signal === undefined ? {} : { signal };
    const groups = new Map<string, { m: ResourceMapping; ns: string; n: number }>();
    for (const obj of objects) {
      let m: ResourceMapping;
      try {
        m = await this.port.mapping(gvkOf(obj), sig);
      } catch (e) {
        if (e instanceof ApplyError && e.code === "UNKNOWN_KIND") continue; // planObject reports it
        throw e;
      }
      const ns = m.namespaced ? namespaceOf(obj) || (defaultNamespace ?? "") : "";
      if (m.namespaced && ns === "") continue;
      const key = collectionKey(m, ns);
      const g = groups.get(key) ?? { m, ns, n: 0 };
      g.n++;
      groups.set(key, g);
    }
    const wanted = [...groups.entries()].filter(
      ([key, g]) => g.n >= LIST_THRESHOLD && !this.collections.has(key),
    );
    await mapLimit(wanted, 4, async ([key, g]) => {
      try {
        const items = await this.port.list(g.m, { ...(g.m.namespaced ? { namespace: g.ns } : {}), ...sig });
        this.collections.set(key, new Map(items.map((o) => [nameOf(o), o])));
      } catch (e) {
        if (!(e instanceof ApplyError && (e.status === 403 || e.status === 405))) throw e;
      }
    });
  }

  /** The live object, from the snapshot when its collection was listed, else by GET. */
  get(
    m: ResourceMapping,
    namespace: string,
    name: string,
    signal?: AbortSignal,
  ): Promise<Unstructured | undefined> {
    const listed = this.collections.get(collectionKey(m, namespace));
    if (listed !== undefined) return Promise.resolve(listed.get(name));
    return this.port.get(m, namespace, name, signal === undefined ? {} : { signal });
  }

  /** Drops every snapshot (at the end of a stage: later stages read afresh). */
  clear(): void {
    this.collections.clear();
  }
}
