// SPDX-License-Identifier: Apache-2.0
import type { fieldValidators } from "../../core/index.ts";

/** The metadata ocisync uses of a Flux object. */
export interface ObjectMeta {
  readonly name: string;
  readonly namespace: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Validates `metadata.name` (a DNS subdomain) and `metadata.namespace` (a DNS label; defaulted). */
export function objectMeta(
  raw: unknown,
  defaultNamespace: string,
  v: ReturnType<typeof fieldValidators>,
): ObjectMeta {
  const m = v.record(raw, "metadata");
  const name = v.reqString(m.name, "metadata.name", DNS_SUBDOMAIN, "is not a valid object name");
  const namespace =
    v.optString(m.namespace, "metadata.namespace", DNS_LABEL, "is not a valid namespace") ?? defaultNamespace;
  const labels = m.labels as Record<string, string> | undefined;
  const annotations = m.annotations as Record<string, string> | undefined;
  return { name, namespace, ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) };
}
