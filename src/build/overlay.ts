// SPDX-License-Identifier: Apache-2.0
// A Kustomization spec laid over a kustomization file, as fluxcd/pkg kustomize_generator.go GenerateManifest
// does (flux-compat.md §5.3): targetNamespace/namePrefix/nameSuffix overwrite, patches and components are
// appended, images merge by name, buildMetadata replaces. Flux re-marshals the whole file; ocisync edits it with
// the `yaml` package so every other field (and comment) is kept exactly, which kustomize reads the same way.
import { existsSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { Document, isMap, isSeq, parseDocument } from "yaml";
import { BuildError } from "./errors.ts";
import type { KustomizationBuildSpec, KustomizeImage, PatchSelector } from "./kustomization-spec.ts";

const REMOTE_PREFIXES = [
  "git::",
  "gh:",
  "ssh://",
  "https://",
  "http://",
  "git@",
  "github.com:",
  "github.com/",
];

/** Flux's IsLocalRelativePath: not a remote (git/http) reference and not absolute (`file://` stripped). */
export function isLocalRelativePath(path: string): boolean {
  const lower = path.toLowerCase();
  if (REMOTE_PREFIXES.some((p) => p.length < path.length && lower.startsWith(p))) return false;
  return !isAbsolute(path) && !isAbsolute(lower.replace(/^file:\/\//, ""));
}

function seqItems(doc: Document, key: string): unknown[] {
  const v: unknown = doc.get(key);
  if (v === undefined || v === null) return [];
  if (!isSeq(v))
    throw new BuildError({ code: "INVALID_YAML", message: `kustomization: '${key}' must be a list` });
  return v.items;
}

function appendTo(doc: Document, key: string, values: readonly unknown[]): void {
  if (values.length === 0) return;
  const v: unknown = doc.get(key);
  if (isSeq(v)) for (const x of values) v.add(doc.createNode(x));
  else doc.set(key, doc.createNode([...values]));
}

function selectorOf(target: PatchSelector): Record<string, string> {
  // kustomize's Selector has the same keys (its Gvk is inlined); empty fields are omitted as Flux's marshal does.
  return Object.fromEntries(Object.entries(target).filter(([, v]) => v !== ""));
}

function mergeImages(doc: Document, images: readonly KustomizeImage[]): void {
  for (const image of images) {
    const hit = seqItems(doc, "images").find((n) => isMap(n) && n.get("name") === image.name);
    if (isMap(hit)) {
      if (image.newName !== undefined && image.newName !== "") hit.set("newName", image.newName);
      // newTag and digest select the version together: setting one clears the other (Flux, kustomize imagetag).
      if ((image.newTag ?? "") !== "" || (image.digest ?? "") !== "") {
        for (const k of ["newTag", "digest"] as const) {
          const v = image[k] ?? "";
          if (v === "") hit.delete(k);
          else hit.set(k, v);
        }
      }
    } else {
      const fresh = Object.fromEntries(Object.entries(image).filter(([, v]) => v !== ""));
      appendTo(doc, "images", [fresh]);
    }
  }
}

function needsOverlay(doc: Document, action: "created" | "unchanged", spec: KustomizationBuildSpec): boolean {
  const lists = [spec.patches, spec.components, spec.images, spec.buildMetadata];
  return (
    action === "created" ||
    seqItems(doc, "resources").length === 0 ||
    spec.targetNamespace !== undefined ||
    spec.namePrefix !== undefined ||
    spec.nameSuffix !== undefined ||
    lists.some((l) => l !== undefined && l.length > 0)
  );
}

/**
 * Applies `spec` to the text of a kustomization file in `dir` and returns the new text. `action` says whether the
 * file was generated; an existing file without `resources` gets `buildMetadata: [originAnnotations]`, as Flux does
 * to avoid kustomize's "kustomization.yaml is empty" error. Throws `INVALID_SPEC` for a remote or absolute
 * component and `INVALID_YAML` for a malformed file.
 */
export function overlaySpec(
  text: string,
  action: "created" | "unchanged",
  spec: KustomizationBuildSpec,
  dir: string,
): string {
  let doc: Document = parseDocument(text);
  if (doc.errors.length > 0 || (doc.contents !== null && !isMap(doc.contents))) {
    const why = doc.errors[0]?.message ?? "not a YAML mapping";
    throw new BuildError({ code: "INVALID_YAML", message: `kustomization: ${why}` });
  }
  if (!needsOverlay(doc, action, spec)) return text;
  if (doc.contents === null) doc = new Document({});
  if (action === "unchanged" && seqItems(doc, "resources").length === 0)
    doc.set("buildMetadata", doc.createNode(["originAnnotations"]));
  if (spec.targetNamespace !== undefined) doc.set("namespace", spec.targetNamespace);
  if (spec.namePrefix !== undefined) doc.set("namePrefix", spec.namePrefix);
  if (spec.nameSuffix !== undefined) doc.set("nameSuffix", spec.nameSuffix);
  appendTo(
    doc,
    "patches",
    (spec.patches ?? []).map((p) =>
      p.target ? { patch: p.patch, target: selectorOf(p.target) } : { patch: p.patch },
    ),
  );
  const components: string[] = [];
  for (const c of spec.components ?? []) {
    if (!isLocalRelativePath(c)) {
      throw new BuildError({
        code: "INVALID_SPEC",
        message: `component path '${c}' must be local and relative`,
      });
    }
    if (spec.ignoreMissingComponents === true && !existsSync(join(dir, c))) continue;
    components.push(c);
  }
  appendTo(doc, "components", components);
  mergeImages(doc, spec.images ?? []);
  if (spec.buildMetadata !== undefined && spec.buildMetadata.length > 0)
    doc.set("buildMetadata", doc.createNode([...spec.buildMetadata]));
  return doc.toString({ lineWidth: 0, indentSeq: false });
}

/**
 * Keeps kustomize's output in resource order, as Flux does: Flux calls krusty with an unset `Reorder` option,
 * which skips kustomize's legacy kind ordering (that the kustomize CLI applies by default). The CLI's `--reorder`
 * flag is deprecated, so ocisync sets `sortOptions: {order: fifo}` when the kustomization has no `sortOptions`
 * (one it has is honoured, by Flux and kustomize alike).
 */
export function pinFifoOrder(text: string): string {
  const doc = parseDocument(text);
  if (!isMap(doc.contents) || doc.has("sortOptions")) return text;
  doc.set("sortOptions", doc.createNode({ order: "fifo" }));
  return doc.toString({ lineWidth: 0, indentSeq: false });
}
