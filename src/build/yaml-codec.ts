// SPDX-License-Identifier: Apache-2.0
// YAML in and out the way kustomize and Flux see it: kustomize prints each object through sigs.k8s.io/yaml
// (go-yaml v2: YAML 1.1 scalars, sorted keys, sequences not indented), and Flux re-reads substituted text with
// the same library. The `yaml` package's 1.1 schema matches go-yaml v2 once sexagesimal numbers and timestamps
// (which go-yaml v2 keeps as strings) are taken out.
import {
  type Document,
  type DocumentOptions,
  type ParseOptions,
  type SchemaOptions,
  parseAllDocuments,
  stringify,
} from "yaml";
import { BuildError } from "./errors.ts";
import { type Unstructured, isRecord } from "./unstructured.ts";

type Tags = Exclude<SchemaOptions["customTags"], undefined>;

const goYamlTags: Tags = (tags) =>
  tags.filter(
    (t) => typeof t === "string" || (t.tag !== "tag:yaml.org,2002:timestamp" && t.format !== "TIME"),
  );

/** Options to parse or print YAML as go-yaml v2 does. */
export const GO_YAML: ParseOptions & DocumentOptions & SchemaOptions = {
  version: "1.1",
  customTags: goYamlTags,
  merge: false,
  uniqueKeys: false,
};

/** One YAML document of a stream with the exact text it came from. */
export interface SourceDocument {
  readonly text: string;
  readonly value: unknown;
}

/** Splits a multi-document stream; empty documents are dropped. Throws `INVALID_YAML`. */
export function parseDocuments(text: string, where: string): SourceDocument[] {
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, GO_YAML) as Document.Parsed[];
  } catch (cause) {
    throw new BuildError({ code: "INVALID_YAML", message: `${where}: ${String(cause)}`, cause });
  }
  const out: SourceDocument[] = [];
  for (const doc of docs) {
    const first = doc.errors[0];
    if (first !== undefined) {
      throw new BuildError({ code: "INVALID_YAML", message: `${where}: ${first.message}`, cause: first });
    }
    const value: unknown = doc.toJS({ maxAliasCount: 1000 });
    if (value === null || value === undefined) continue;
    const [start, , end] = doc.range;
    // A document's range starts at its `---` marker; the text is what follows it.
    out.push({ text: text.slice(start, end).replace(/^---\r?\n/, ""), value });
  }
  return out;
}

/** Parses documents that must all be objects (Kubernetes manifests). Throws `INVALID_YAML`. */
export function parseObjects(text: string, where: string): Unstructured[] {
  return parseDocuments(text, where).map((d, i) => {
    if (!isRecord(d.value)) {
      throw new BuildError({ code: "INVALID_YAML", message: `${where}: document ${i + 1} is not a mapping` });
    }
    return d.value;
  });
}

/** Prints one object as kustomize does (sorted keys, unindented sequences, go-yaml quoting). */
export function toKustomizeYaml(obj: unknown): string {
  return stringify(obj, {
    ...GO_YAML,
    sortMapEntries: true,
    indentSeq: false,
    lineWidth: 0,
    minContentWidth: 0,
  });
}
