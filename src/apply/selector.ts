// SPDX-License-Identifier: Apache-2.0
import { isRecord } from "./object.ts";

/**
 * A `metav1.LabelSelector` (`matchLabels`, `matchExpressions`) as a label-selector query string; undefined
 * when the selector is missing or malformed (then nothing is selected).
 */
export function labelSelectorString(selector: unknown): string | undefined {
  if (!isRecord(selector)) return undefined;
  const parts: string[] = [];
  const labels = selector["matchLabels"];
  if (isRecord(labels)) for (const [k, v] of Object.entries(labels)) parts.push(`${k}=${String(v)}`);
  const exprs = selector["matchExpressions"];
  for (const e of Array.isArray(exprs) ? exprs : []) {
    if (!isRecord(e) || typeof e["key"] !== "string") return undefined;
    const values = Array.isArray(e["values"]) ? e["values"].map(String).join(",") : "";
    switch (e["operator"]) {
      case "In":
        parts.push(`${e["key"]} in (${values})`);
        break;
      case "NotIn":
        parts.push(`${e["key"]} notin (${values})`);
        break;
      case "Exists":
        parts.push(e["key"]);
        break;
      case "DoesNotExist":
        parts.push(`!${e["key"]}`);
        break;
      default:
        return undefined;
    }
  }
  return parts.length === 0 ? undefined : parts.join(",");
}
