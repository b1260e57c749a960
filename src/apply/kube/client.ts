// SPDX-License-Identifier: Apache-2.0
import { nodeHttp, nodeHttps, SYSTEM_CLOCK, type Clock, type ProxyEnv } from "../../core/index.ts";
import { ApplyError } from "../errors.ts";
import { formatApiVersion, isRecord, type Gvk, type Unstructured } from "../object.ts";
import { Discovery } from "./discovery.ts";
import { loadKubeconfig } from "./kubeconfig.ts";
import { apiError, sendApiRequest, type ApiRequest, type ApiResponse, type ApiTarget } from "./http.ts";
import type { ApplyCallOptions, CallOptions, JsonPatchOp, KubePort, ResourceMapping } from "./port.ts";

/** Most LIST pages followed for one list call (500 objects each). */
export const MAX_LIST_PAGES = 1000;

function collectionPath(m: ResourceMapping, namespace: string | undefined): string {
  const base = m.group === "" ? `/api/${m.version}` : `/apis/${m.group}/${m.version}`;
  const ns =
    m.namespaced && namespace !== undefined && namespace !== ""
      ? `/namespaces/${encodeURIComponent(namespace)}`
      : "";
  return `${base}${ns}/${m.resource}`;
}

function objectPath(m: ResourceMapping, namespace: string, name: string): string {
  return `${collectionPath(m, namespace)}/${encodeURIComponent(name)}`;
}

function subject(m: ResourceMapping, namespace: string, name: string): string {
  return m.namespaced ? `${m.kind}/${namespace}/${name}` : `${m.kind}/${name}`;
}

function asObject(res: ApiResponse, what: string): Unstructured {
  if (!isRecord(res.body)) throw apiError(res, `${what}: the answer is not an object`);
  return res.body;
}

/** Attempts per request when the API server is overloaded (429, 503, 504) or unreachable. */
export const MAX_ATTEMPTS = 4;
const RETRY_STATUS = new Set([429, 503, 504]);
const MAX_RETRY_AFTER_MS = 10_000;

function backoffMs(attempt: number): number {
  return 200 * 2 ** (attempt - 1) * (0.5 + Math.random());
}

/**
 * A {@link KubePort} over HTTPS with one keep-alive agent; retries overload answers (429/503/504, honouring
 * `Retry-After`) and network errors with jittered backoff; counts the requests it sends.
 */
export class KubeClient implements KubePort {
  private readonly target: ApiTarget;
  private readonly discovery: Discovery;
  private readonly clock: Clock;
  /** Requests sent so far (benchmarks report it). */
  requests = 0;

  constructor(target: ApiTarget, clock: Clock = SYSTEM_CLOCK) {
    this.target = target;
    this.clock = clock;
    this.discovery = new Discovery((req) => this.send(req));
  }

  /** Sends one request (exposed for tests and tools that need a call the port lacks). */
  async send(req: ApiRequest): Promise<ApiResponse> {
    for (let attempt = 1; ; attempt++) {
      this.requests++;
      let res: ApiResponse;
      try {
        res = await sendApiRequest(this.target, req);
      } catch (e) {
        // Every call apply makes is idempotent (reads, server-side apply, delete), so retrying is safe.
        if (
          !(e instanceof ApplyError && e.retryable) ||
          attempt >= MAX_ATTEMPTS ||
          req.signal?.aborted === true
        )
          throw e;
        await this.clock.sleep(backoffMs(attempt), req.signal);
        continue;
      }
      if (!RETRY_STATUS.has(res.status) || attempt >= MAX_ATTEMPTS) return res;
      const wait =
        res.retryAfterSeconds === undefined
          ? backoffMs(attempt)
          : Math.min(res.retryAfterSeconds * 1000, MAX_RETRY_AFTER_MS);
      await this.clock.sleep(wait, req.signal);
    }
  }

  /** Closes idle connections. */
  close(): void {
    this.target.agent.destroy();
  }

  mapping(gvk: Gvk, opts: CallOptions & { refresh?: boolean } = {}): Promise<ResourceMapping> {
    return this.discovery.mapping(gvk, opts);
  }

  mappingForGroupKind(
    group: string,
    kind: string,
    opts: CallOptions = {},
  ): Promise<ResourceMapping | undefined> {
    return this.discovery.mappingForGroupKind(group, kind, opts.signal);
  }

  async get(
    m: ResourceMapping,
    namespace: string,
    name: string,
    opts: CallOptions = {},
  ): Promise<Unstructured | undefined> {
    const res = await this.send({ method: "GET", path: objectPath(m, namespace, name), signal: opts.signal });
    if (res.status === 404) return undefined;
    if (res.status !== 200)
      throw apiError(res, `get ${subject(m, namespace, name)}`, subject(m, namespace, name));
    return asObject(res, "get");
  }

  async apply(m: ResourceMapping, obj: Unstructured, opts: ApplyCallOptions): Promise<Unstructured> {
    const meta = isRecord(obj["metadata"]) ? obj["metadata"] : {};
    const ns = typeof meta["namespace"] === "string" ? meta["namespace"] : "";
    const name = typeof meta["name"] === "string" ? meta["name"] : "";
    const res = await this.send({
      method: "PATCH",
      path: objectPath(m, ns, name),
      query: {
        fieldManager: opts.fieldManager,
        force: String(opts.force),
        dryRun: opts.dryRun ? "All" : undefined,
      },
      // JSON is YAML: the apply-patch content type takes either.
      body: JSON.stringify(obj),
      contentType: "application/apply-patch+yaml",
      signal: opts.signal,
    });
    if (res.status !== 200 && res.status !== 201) {
      throw apiError(
        res,
        `${opts.dryRun ? "dry-run " : ""}apply ${subject(m, ns, name)}`,
        subject(m, ns, name),
      );
    }
    return asObject(res, "apply");
  }

  async patch(
    m: ResourceMapping,
    namespace: string,
    name: string,
    ops: readonly JsonPatchOp[],
    opts: CallOptions & { fieldManager: string },
  ): Promise<Unstructured> {
    const res = await this.send({
      method: "PATCH",
      path: objectPath(m, namespace, name),
      query: { fieldManager: opts.fieldManager },
      body: JSON.stringify(ops),
      contentType: "application/json-patch+json",
      signal: opts.signal,
    });
    if (res.status !== 200)
      throw apiError(res, `patch ${subject(m, namespace, name)}`, subject(m, namespace, name));
    return asObject(res, "patch");
  }

  async delete(
    m: ResourceMapping,
    namespace: string,
    name: string,
    opts: CallOptions & { propagationPolicy?: "Background" | "Foreground" | "Orphan" } = {},
  ): Promise<boolean> {
    const res = await this.send({
      method: "DELETE",
      path: objectPath(m, namespace, name),
      query: { propagationPolicy: opts.propagationPolicy ?? "Background" },
      signal: opts.signal,
    });
    if (res.status === 404) return false;
    if (res.status !== 200 && res.status !== 202) {
      throw apiError(res, `delete ${subject(m, namespace, name)}`, subject(m, namespace, name));
    }
    return true;
  }

  async list(
    m: ResourceMapping,
    opts: CallOptions & { namespace?: string; labelSelector?: string } = {},
  ): Promise<Unstructured[]> {
    const out: Unstructured[] = [];
    let cont: string | undefined;
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const res = await this.send({
        method: "GET",
        path: collectionPath(m, opts.namespace),
        query: { labelSelector: opts.labelSelector, limit: "500", continue: cont },
        signal: opts.signal,
      });
      if (res.status !== 200) throw apiError(res, `list ${m.resource}`);
      const body = asObject(res, "list");
      const items = Array.isArray(body["items"]) ? body["items"] : [];
      // LIST answers leave apiVersion and kind off the items.
      for (const item of items) {
        if (isRecord(item)) out.push({ apiVersion: formatApiVersion(m), kind: m.kind, ...item });
      }
      const next = isRecord(body["metadata"]) ? body["metadata"]["continue"] : undefined;
      if (typeof next !== "string" || next === "") return out;
      cont = next;
    }
    throw new ApplyError({
      code: "API_ERROR",
      message: `list ${m.resource}: more than ${MAX_LIST_PAGES} pages`,
    });
  }
}

/** What a kubeconfig gives: a client and the context's namespace (if it names one). */
export interface KubeconfigClient {
  readonly client: KubeClient;
  readonly namespace: string | undefined;
  readonly server: string;
}

/**
 * A {@link KubeClient} from a kubeconfig file and optional context (client certificates, tokens, basic auth;
 * exec plugins and auth providers through client-node). Credentials are read once.
 */
export async function kubeClientFromKubeconfig(opts: {
  readonly kubeconfigPath: string;
  readonly context?: string;
  readonly maxSockets?: number;
  /**
   * Proxy settings (`proxyEnvFrom(env)`) for the agent, through Node's built-in proxy support (`CONNECT` for an
   * https server). The kubeconfig's `proxy-url` is not read.
   */
  readonly proxyEnv?: ProxyEnv | undefined;
}): Promise<KubeconfigClient> {
  const c = await loadKubeconfig(opts.kubeconfigPath, opts.context);
  const server = new URL(c.server);
  const common = {
    keepAlive: true,
    maxSockets: opts.maxSockets ?? 16,
    ...(opts.proxyEnv === undefined ? {} : { proxyEnv: opts.proxyEnv }),
  };
  const agent =
    server.protocol === "http:"
      ? new (nodeHttp().Agent)(common)
      : new (nodeHttps().Agent)({
          ...common,
          rejectUnauthorized: !c.insecureSkipTlsVerify,
          ...(c.ca === undefined ? {} : { ca: c.ca }),
          ...(c.cert === undefined ? {} : { cert: c.cert }),
          ...(c.key === undefined ? {} : { key: c.key }),
          ...(c.serverName === undefined ? {} : { servername: c.serverName }),
        });
  return {
    client: new KubeClient({ server, agent, headers: c.headers }),
    namespace: c.namespace,
    server: c.server,
  };
}
