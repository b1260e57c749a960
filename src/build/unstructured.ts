// SPDX-License-Identifier: Apache-2.0
// Built objects as plain data; the accessors live in core, shared with apply.
import {
  gvkOf,
  isRecord,
  metadataOf,
  nameOf,
  namespaceOf,
  refOf,
  stringMapOf,
  subjectOf,
} from "../core/index.ts";
import type { Gvk, Unstructured } from "../core/index.ts";

export type { Gvk, Unstructured };
export { isRecord, metadataOf, nameOf, namespaceOf };

/** Group, version and kind of an object (`gvkOf`). */
export const gvk = gvkOf;

/** `metadata.labels` (string values only). */
export function labelsOf(obj: Unstructured): Record<string, string> {
  return stringMapOf(obj, "labels");
}

/** `metadata.annotations` (string values only). */
export function annotationsOf(obj: Unstructured): Record<string, string> {
  return stringMapOf(obj, "annotations");
}

/** A stable human id, `Kind/namespace/name` or `Kind/name` (as Flux prints objects in messages). */
export function describeObject(obj: Unstructured): string {
  return subjectOf(refOf(obj));
}
