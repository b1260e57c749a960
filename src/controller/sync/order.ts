// SPDX-License-Identifier: Apache-2.0
import { SpecError, type Kustomization } from "../api/index.ts";

const key = (k: Kustomization): string => `${k.metadata.namespace}/${k.metadata.name}`;

/**
 * Orders Kustomizations so that each comes after everything in its `dependsOn`, keeping the given order
 * otherwise. Flux waits forever on a missing dependency or a cycle; ocisync says so instead.
 */
export function orderByDependencies(ks: readonly Kustomization[]): Kustomization[] {
  const byKey = new Map(ks.map((k) => [key(k), k]));
  for (const k of ks) {
    for (const d of k.spec.dependsOn ?? []) {
      if (!byKey.has(`${d.namespace}/${d.name}`)) {
        throw new SpecError({
          code: "INVALID_SPEC",
          message: `Kustomization ${key(k)}: dependsOn ${d.namespace}/${d.name} is not among the given manifests`,
        });
      }
    }
  }
  const out: Kustomization[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (k: Kustomization, path: string[]): void => {
    const id = key(k);
    if (state.get(id) === "done") return;
    if (state.get(id) === "visiting") {
      const cycle = [...path.slice(path.indexOf(id)), id].join(" -> ");
      throw new SpecError({ code: "INVALID_SPEC", message: `dependsOn cycle: ${cycle}` });
    }
    state.set(id, "visiting");
    for (const d of k.spec.dependsOn ?? []) {
      const dep = byKey.get(`${d.namespace}/${d.name}`);
      if (dep) visit(dep, [...path, id]);
    }
    state.set(id, "done");
    out.push(k);
  };
  for (const k of ks) visit(k, []);
  return out;
}
