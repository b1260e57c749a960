// SPDX-License-Identifier: Apache-2.0
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import {
  isRecord,
  readStdinText,
  STDIN_PATH,
  STDIN_SOURCE,
  stdinPathProblem,
  type StdinReader,
} from "../../core/index.ts";
import { SpecError } from "./errors.ts";
import { parseKustomization, type Kustomization } from "./kustomization.ts";
import { parseOCIRepository, type OCIRepository } from "./oci-repository.ts";

/** Secrets and ConfigMaps given beside the Flux objects (pull secrets, verify keys, `substituteFrom`). */
export interface DataObject {
  readonly kind: "Secret" | "ConfigMap";
  readonly name: string;
  readonly namespace: string;
  readonly type?: string;
  /** Decoded values (`data` base64-decoded, `stringData` as is). */
  readonly data: Readonly<Record<string, string>>;
}

/** Everything read from `-f` files: keyed `namespace/name`. */
export interface FluxBundle {
  readonly repositories: ReadonlyMap<string, OCIRepository>;
  readonly kustomizations: readonly Kustomization[];
  readonly secrets: ReadonlyMap<string, DataObject>;
  readonly configMaps: ReadonlyMap<string, DataObject>;
  /** `Kind ns/name (file)` of every other object, which `sync` does not act on. */
  readonly ignored: readonly string[];
}

/** Largest manifest file (or standard input) read. */
const MAX_FILE_BYTES = 8 * 1024 * 1024;

/** Options of {@link loadBundle} and {@link manifestFiles}. */
export interface LoadOptions {
  /**
   * Reads standard input for a `-` path. It is given the largest size accepted and should fail once more than
   * that has arrived rather than buffer it all. Without it, `-` is an error.
   */
  readonly stdin?: StdinReader;
}

function readFailed(message: string, cause?: unknown): SpecError {
  return new SpecError({ code: "MANIFEST_READ_FAILED", message, cause });
}

/**
 * Files named by `-f`: a file as is; a directory's `*.yaml`/`*.yml` files, recursively, sorted; `-` (standard
 * input) as is, when `opts.stdin` is given, at most once.
 */
export async function manifestFiles(paths: readonly string[], opts: LoadOptions = {}): Promise<string[]> {
  const problem = stdinPathProblem(paths, opts.stdin);
  if (problem !== undefined) throw readFailed(`${STDIN_SOURCE}: ${problem}`);
  const out: string[] = [];
  for (const p of paths) {
    if (p === STDIN_PATH) {
      out.push(p);
      continue;
    }
    const info = await stat(p).catch((err: unknown) => {
      throw readFailed(`cannot read ${p}`, err);
    });
    if (!info.isDirectory()) {
      out.push(p);
      continue;
    }
    const entries = await readdir(p, { withFileTypes: true, recursive: true });
    const files = entries
      .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
      .map((e) => join(e.parentPath, e.name));
    out.push(...files.sort());
  }
  return out;
}

/** Reads Flux objects, Secrets and ConfigMaps from files, directories and `-` (standard input, through `opts.stdin`); objects without a namespace get `defaultNamespace`. */
export async function loadBundle(
  paths: readonly string[],
  defaultNamespace: string,
  opts: LoadOptions = {},
): Promise<FluxBundle> {
  const repositories = new Map<string, OCIRepository>();
  const kustomizations: Kustomization[] = [];
  const secrets = new Map<string, DataObject>();
  const configMaps = new Map<string, DataObject>();
  const ignored: string[] = [];
  for (const path of await manifestFiles(paths, opts)) {
    const file = path === STDIN_PATH ? STDIN_SOURCE : path;
    const text =
      path === STDIN_PATH && opts.stdin !== undefined
        ? await readStdin(opts.stdin)
        : await readFileText(path);
    for (const obj of parseDocuments(text, file)) {
      const kind = obj.kind;
      if (kind === "OCIRepository") {
        const r = parseOCIRepository(obj, defaultNamespace);
        repositories.set(`${r.metadata.namespace}/${r.metadata.name}`, r);
      } else if (
        kind === "Kustomization" &&
        String(obj.apiVersion).startsWith("kustomize.toolkit.fluxcd.io/")
      ) {
        kustomizations.push(parseKustomization(obj, defaultNamespace));
      } else if (kind === "Secret" || kind === "ConfigMap") {
        const d = dataObject(obj, kind, defaultNamespace, file);
        (kind === "Secret" ? secrets : configMaps).set(`${d.namespace}/${d.name}`, d);
      } else {
        const meta = isRecord(obj.metadata) ? obj.metadata : {};
        const ns = typeof meta.namespace === "string" ? meta.namespace : defaultNamespace;
        const name = typeof meta.name === "string" ? meta.name : "?";
        ignored.push(`${typeof kind === "string" ? kind : "?"} ${ns}/${name} (${file})`);
      }
    }
  }
  return { repositories, kustomizations, secrets, configMaps, ignored };
}

async function readStdin(stdin: StdinReader): Promise<string> {
  const text = await readStdinText(stdin, MAX_FILE_BYTES).catch((e: unknown) => {
    throw readFailed(`${STDIN_SOURCE}: ${e instanceof Error ? e.message : String(e)}`, e);
  });
  if (text === undefined) throw readFailed(`${STDIN_SOURCE} is larger than ${MAX_FILE_BYTES} bytes`);
  return text;
}

async function readFileText(file: string): Promise<string> {
  const info = await stat(file);
  if (info.size > MAX_FILE_BYTES) throw readFailed(`${file} is larger than ${MAX_FILE_BYTES} bytes`);
  return readFile(file, "utf8");
}

function parseDocuments(text: string, file: string): Record<string, unknown>[] {
  const docs = parseAllDocuments(text);
  const out: Record<string, unknown>[] = [];
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    if (doc.errors.length > 0) throw readFailed(`${file}: ${doc.errors[0]?.message ?? "invalid YAML"}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    if (!isRecord(value)) throw readFailed(`${file}: a document is not an object`);
    out.push(value);
  }
  return out;
}

function dataObject(
  obj: Record<string, unknown>,
  kind: "Secret" | "ConfigMap",
  defaultNamespace: string,
  file: string,
): DataObject {
  const meta = isRecord(obj.metadata) ? obj.metadata : {};
  if (typeof meta.name !== "string")
    throw new SpecError({ code: "INVALID_SPEC", message: `${kind} in ${file} has no metadata.name` });
  const namespace = typeof meta.namespace === "string" ? meta.namespace : defaultNamespace;
  const data: Record<string, string> = {};
  const raw = isRecord(obj.data) ? obj.data : {};
  for (const [k, val] of Object.entries(raw)) {
    if (typeof val === "string")
      data[k] = kind === "Secret" ? Buffer.from(val, "base64").toString("utf8") : val;
  }
  if (isRecord(obj.stringData))
    for (const [k, val] of Object.entries(obj.stringData)) if (typeof val === "string") data[k] = val;
  return {
    kind,
    name: meta.name,
    namespace,
    data,
    ...(typeof obj.type === "string" ? { type: obj.type } : {}),
  };
}
