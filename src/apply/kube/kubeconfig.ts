// SPDX-License-Identifier: Apache-2.0
// Reading a kubeconfig. The common cases (CA, client certificates, bearer tokens, basic auth) are read here;
// `exec` and `auth-provider` users go through client-node's KubeConfig, imported only then: loading
// client-node costs about a second and ~80 MiB, more than a whole `ocisync apply` of 500 objects.
import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, join } from "node:path";
import { parse } from "yaml";
import { ApplyError } from "../errors.ts";
import { isRecord } from "../object.ts";

/** What a connection needs from a kubeconfig context. */
export interface KubeCredentials {
  readonly server: string;
  readonly namespace: string | undefined;
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly insecureSkipTlsVerify: boolean;
  readonly serverName?: string;
  readonly headers: Readonly<Record<string, string>>;
}

function invalid(path: string, detail: string, cause?: unknown): ApplyError {
  return new ApplyError({ code: "INVALID_KUBECONFIG", message: `kubeconfig ${path}: ${detail}`, cause });
}

function named(list: unknown, name: string, field: string, path: string): Record<string, unknown> {
  const items: unknown[] = Array.isArray(list) ? list : [];
  const item = items.find((x) => isRecord(x) && x["name"] === name);
  if (!isRecord(item) || !isRecord(item[field]))
    throw invalid(path, `${field} ${JSON.stringify(name)} not found`);
  return item[field];
}

function str(o: Record<string, unknown>, key: string): string | undefined {
  const v = o[key];
  return typeof v === "string" && v !== "" ? v : undefined;
}

async function material(o: Record<string, unknown>, key: string, base: string): Promise<Buffer | undefined> {
  const data = str(o, `${key}-data`);
  if (data !== undefined) return Buffer.from(data, "base64");
  const file = str(o, key);
  if (file === undefined) return undefined;
  return readFile(isAbsolute(file) ? file : join(base, file));
}

async function viaClientNode(path: string, context: string): Promise<Record<string, string>> {
  const { KubeConfig } = await import("@kubernetes/client-node");
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  kc.setCurrentContext(context);
  const opts: { headers?: Record<string, unknown> } = {};
  await kc.applyToHTTPSOptions(opts);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.headers ?? {})) if (typeof v === "string") out[k] = v;
  return out;
}

async function headersOf(
  user: Record<string, unknown>,
  base: string,
  path: string,
  context: string,
): Promise<Record<string, string>> {
  if (user["exec"] !== undefined || user["auth-provider"] !== undefined) return viaClientNode(path, context);
  const tokenFile = str(user, "tokenFile");
  const token =
    str(user, "token") ??
    (tokenFile === undefined
      ? undefined
      : (await readFile(isAbsolute(tokenFile) ? tokenFile : join(base, tokenFile), "utf8")).trim());
  if (token !== undefined) return { Authorization: `Bearer ${token}` };
  const username = str(user, "username");
  if (username !== undefined) {
    return {
      Authorization: `Basic ${Buffer.from(`${username}:${str(user, "password") ?? ""}`).toString("base64")}`,
    };
  }
  return {};
}

/** Reads the credentials of a context (default: the file's current-context). */
export async function loadKubeconfig(path: string, context?: string): Promise<KubeCredentials> {
  let doc: unknown;
  try {
    doc = parse(await readFile(path, "utf8"));
  } catch (e) {
    throw invalid(path, e instanceof Error ? e.message : String(e), e);
  }
  if (!isRecord(doc)) throw invalid(path, "not a kubeconfig");
  const name = context ?? str(doc, "current-context");
  if (name === undefined) throw invalid(path, "no current-context (give --context)");
  const ctx = named(doc["contexts"], name, "context", path);
  const cluster = named(doc["clusters"], str(ctx, "cluster") ?? "", "cluster", path);
  const user = typeof ctx["user"] === "string" ? named(doc["users"], ctx["user"], "user", path) : {};
  const server = str(cluster, "server");
  if (server === undefined) throw invalid(path, `cluster ${JSON.stringify(ctx["cluster"])} has no server`);
  const base = dirname(path);
  try {
    const [ca, cert, key] = await Promise.all([
      material(cluster, "certificate-authority", base),
      material(user, "client-certificate", base),
      material(user, "client-key", base),
    ]);
    const serverName = str(cluster, "tls-server-name");
    return {
      server,
      namespace: str(ctx, "namespace"),
      insecureSkipTlsVerify: cluster["insecure-skip-tls-verify"] === true,
      headers: await headersOf(user, base, path, name),
      ...(ca === undefined ? {} : { ca }),
      ...(cert === undefined ? {} : { cert }),
      ...(key === undefined ? {} : { key }),
      ...(serverName === undefined ? {} : { serverName }),
    };
  } catch (e) {
    if (e instanceof ApplyError) throw e;
    throw invalid(path, e instanceof Error ? e.message : String(e), e);
  }
}
