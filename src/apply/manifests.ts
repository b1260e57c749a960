// SPDX-License-Identifier: Apache-2.0
// Reading `-f` arguments: YAML/JSON files, or directories of them (not recursive, like `kubectl apply -f DIR`),
// or `-` for standard input, as multi-document YAML; `kind: List` objects are expanded.
import { readdir, readFile, stat } from "node:fs/promises";
import { extname, join } from "node:path";
import { Composer, Parser } from "yaml";
import {
  readStdinText,
  STDIN_PATH,
  STDIN_SOURCE,
  stdinPathProblem,
  type StdinReader,
} from "../core/index.ts";
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

/** Options of {@link readManifests}. */
export interface ReadManifestsOptions {
  /**
   * Reads standard input for a `-` path. It is given the largest size accepted and should fail once more than
   * that has arrived rather than buffer it all. Without it, `-` is an error.
   */
  readonly stdin?: StdinReader;
}

async function readStdin(stdin: StdinReader): Promise<string> {
  const text = await readStdinText(stdin, MAX_MANIFEST_BYTES).catch((e: unknown) => {
    throw readFailed(STDIN_SOURCE, e instanceof Error ? e.message : String(e), e);
  });
  if (text === undefined) throw readFailed(STDIN_SOURCE, `larger than ${MAX_MANIFEST_BYTES} bytes`);
  return text;
}

/**
 * Reads every object of the given files and directories, in argument then file-name order; `-` reads standard
 * input through `opts.stdin` (at most once).
 */
export async function readManifests(
  paths: readonly string[],
  opts: ReadManifestsOptions = {},
): Promise<Unstructured[]> {
  const problem = stdinPathProblem(paths, opts.stdin);
  if (problem !== undefined) throw readFailed(STDIN_SOURCE, problem);
  const out: Unstructured[] = [];
  for (const p of paths) {
    if (p === STDIN_PATH && opts.stdin !== undefined) {
      out.push(...parseManifests(await readStdin(opts.stdin), STDIN_SOURCE));
      continue;
    }
    for (const file of await filesOf(p)) {
      const st = await stat(file);
      if (st.size > MAX_MANIFEST_BYTES) throw readFailed(file, `larger than ${MAX_MANIFEST_BYTES} bytes`);
      out.push(...parseManifests(await readFile(file, "utf8"), file));
    }
  }
  return out;
}
