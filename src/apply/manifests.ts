// SPDX-License-Identifier: Apache-2.0
// Reading `-f` arguments: YAML/JSON files, or directories of them (not recursive, like `kubectl apply -f DIR`),
// as multi-document YAML; `kind: List` objects are expanded.
import { readdir, readFile, stat } from "node:fs/promises";
import { extname, join } from "node:path";
import { Composer, Parser } from "yaml";
import { ApplyError } from "./errors.ts";
import { assertObject, isRecord, type Unstructured } from "./object.ts";

const EXTENSIONS = new Set([".yaml", ".yml", ".json"]);

/** Largest manifest file read. */
export const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

function readFailed(path: string, detail: string, cause?: unknown): ApplyError {
  return new ApplyError({ code: "MANIFEST_READ_FAILED", message: `${path}: ${detail}`, cause });
}

/**
 * Parses multi-document YAML text into objects (empty documents dropped, `List` items expanded). Documents are
 * composed one at a time, so only one document's syntax tree is alive at once.
 */
export function parseManifests(text: string, source: string): Unstructured[] {
  const out: Unstructured[] = [];
  const composer = new Composer({ uniqueKeys: false });
  let i = 0;
  for (const doc of composer.compose(new Parser().parse(text), true)) {
    i++;
    if (doc.errors.length > 0)
      throw readFailed(source, `document ${i}: ${doc.errors[0]?.message ?? "invalid YAML"}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    if (
      isRecord(value) &&
      typeof value["kind"] === "string" &&
      value["kind"].endsWith("List") &&
      Array.isArray(value["items"])
    ) {
      const where = `${source}: document ${i}`;
      value["items"].forEach((item: unknown, j) => out.push(assertObject(item, `${where} item ${j + 1}`)));
      continue;
    }
    out.push(assertObject(value, `${source}: document ${i}`));
  }
  return out;
}

async function filesOf(path: string): Promise<string[]> {
  const st = await stat(path).catch((e: unknown) => {
    throw readFailed(path, "no such file or directory", e);
  });
  if (!st.isDirectory()) return [path];
  const names = (await readdir(path)).filter((n) => EXTENSIONS.has(extname(n).toLowerCase())).sort();
  return names.map((n) => join(path, n));
}

/** Reads every object of the given files and directories, in argument then file-name order. */
export async function readManifests(paths: readonly string[]): Promise<Unstructured[]> {
  const out: Unstructured[] = [];
  for (const p of paths) {
    for (const file of await filesOf(p)) {
      const st = await stat(file);
      if (st.size > MAX_MANIFEST_BYTES) throw readFailed(file, `larger than ${MAX_MANIFEST_BYTES} bytes`);
      out.push(...parseManifests(await readFile(file, "utf8"), file));
    }
  }
  return out;
}
