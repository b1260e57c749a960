// SPDX-License-Identifier: Apache-2.0
// What Flux does to each object before applying it (`fluxcd/pkg:ssa/normalize/normalize.go`), so a dry-run of
// an unchanged object compares equal to the live one.
import { ApplyError } from "./errors.ts";
import { cloneJson, getPath, gvkOf, isRecord, refOf, subjectOf, type Unstructured } from "./object.ts";

// Where each workload kind keeps its pod spec.
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ["spec"],
  "apps/Deployment": ["spec", "template", "spec"],
  "apps/StatefulSet": ["spec", "template", "spec"],
  "apps/DaemonSet": ["spec", "template", "spec"],
  "apps/ReplicaSet": ["spec", "template", "spec"],
  ReplicationController: ["spec", "template", "spec"],
  "batch/Job": ["spec", "template", "spec"],
  "batch/CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
  PodTemplate: ["template", "spec"],
};

function defaultProtocol(ports: unknown): void {
  if (!Array.isArray(ports)) return;
  for (const p of ports) if (isRecord(p) && p["protocol"] === undefined) p["protocol"] = "TCP";
}

function defaultPodPorts(podSpec: unknown): void {
  if (!isRecord(podSpec)) return;
  for (const key of ["initContainers", "containers", "ephemeralContainers"]) {
    const list = podSpec[key];
    if (!Array.isArray(list)) continue;
    for (const c of list) if (isRecord(c)) defaultProtocol(c["ports"]);
  }
}

function secretStringData(obj: Unstructured): void {
  const sd = obj["stringData"];
  if (sd === undefined || sd === null) {
    delete obj["stringData"];
    return;
  }
  if (!isRecord(sd)) {
    throw new ApplyError({
      code: "INVALID_OBJECT",
      message: `${subjectOf(refOf(obj))}: stringData is not a map`,
    });
  }
  const data = isRecord(obj["data"]) ? obj["data"] : {};
  for (const [k, v] of Object.entries(sd)) data[k] = Buffer.from(String(v), "utf8").toString("base64");
  obj["data"] = data;
  delete obj["stringData"];
}

function typeKey(obj: Unstructured): string {
  const { group, kind } = gvkOf(obj);
  return group === "" ? kind : `${group}/${kind}`;
}

/**
 * A normalised copy of a desired object: Secret `stringData` folded into `data` (base64), `protocol: TCP`
 * defaulted on container and Service ports, `status` removed (except on CRDs), a null `creationTimestamp`
 * removed.
 */
export function normalizeObject(input: Unstructured): Unstructured {
  const obj = cloneJson(input);
  const key = typeKey(obj);
  if (key === "Secret") secretStringData(obj);
  if (key === "Service") defaultProtocol(getPath(obj, "spec", "ports"));
  const podPath = POD_SPEC_PATHS[key];
  if (podPath !== undefined) defaultPodPorts(getPath(obj, ...podPath));
  if (key !== "apiextensions.k8s.io/CustomResourceDefinition") delete obj["status"];
  const meta = obj["metadata"];
  if (isRecord(meta) && meta["creationTimestamp"] === null) delete meta["creationTimestamp"];
  return obj;
}

/** Adds labels and annotations to a copy of `obj` (owner labels, the ApplySet `part-of` label). */
export function withMetadata(
  obj: Unstructured,
  labels: Readonly<Record<string, string>>,
  annotations: Readonly<Record<string, string>> = {},
): Unstructured {
  const out = cloneJson(obj);
  const meta = isRecord(out["metadata"]) ? out["metadata"] : {};
  out["metadata"] = meta;
  for (const [field, add] of [
    ["labels", labels],
    ["annotations", annotations],
  ] as const) {
    if (Object.keys(add).length === 0) continue;
    const cur = isRecord(meta[field]) ? meta[field] : {};
    meta[field] = { ...cur, ...add };
  }
  return out;
}
