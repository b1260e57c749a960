// SPDX-License-Identifier: Apache-2.0
import { channel } from "node:diagnostics_channel";
import {
  DEFAULT_LIMITS,
  NOOP_LOGGER,
  SYSTEM_CLOCK,
  type Clock,
  type Limits,
  type Logger,
  type ProxyEnv,
} from "../../core/index.ts";
import { Authorizer } from "../auth/authorizer.ts";
import { parseChallenges, pickChallenge } from "../auth/challenge.ts";
import { ANONYMOUS, type CredentialProvider } from "../auth/credentials.ts";
import { registryHost } from "../reference/index.ts";
import {
  createHttpTransport,
  type FetchLike,
  type HttpResponse,
  type HttpTransport,
} from "../transport/http.ts";
import { redactUrl } from "../transport/redact.ts";
import { toRegistryError } from "../transport/registry-error.ts";
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from "../transport/retry.ts";

/** Options shared by every repository opened through one client. All have safe defaults. */
export interface ClientOptions {
  /** Talk plain HTTP to the registry (`--plain-http`, Flux `spec.insecure`). */
  readonly plainHttp?: boolean;
  readonly credentials?: CredentialProvider;
  readonly limits?: Limits;
  readonly retry?: RetryPolicy;
  /** Time to response headers, and the longest pause inside a body. */
  readonly requestTimeoutMs?: number;
  readonly fetch?: FetchLike;
  /**
   * Proxy settings for registry requests (`proxyEnvFrom(env)`: `HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`); without
   * them Node's global agents are used (which proxy only under `NODE_USE_ENV_PROXY=1`).
   */
  readonly proxyEnv?: ProxyEnv | undefined;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly userAgent?: string;
}

/** One request as the client layer describes it. */
export interface SessionRequest {
  readonly method: string;
  /** A path under the registry (`/v2/…`) or an absolute URL (upload locations, pagination links). */
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Bytes, a one-shot stream (never retried), or a factory of fresh streams over bytes the caller keeps, which is
   * retried like bytes but not copied by fetch (large upload chunks).
   */
  readonly body?: Uint8Array | ReadableStream<Uint8Array> | (() => ReadableStream<Uint8Array>);
  readonly repository: string;
  readonly actions: "pull" | "pull,push" | "delete";
  /** Statuses that are success for this call; anything else becomes a `RegistryError`. */
  readonly expect: readonly number[];
  readonly signal?: AbortSignal | undefined;
  /** Extra token scopes (a cross-repository mount needs pull on the source). */
  readonly extraScopes?: readonly string[];
}

const requestChannel = channel("ocisync:oci:request");

/**
 * Everything the client shares for one registry: base URL, auth state and token cache, retries and error
 * mapping. Repositories on the same registry share a session so tokens are reused.
 */
export class RegistrySession {
  readonly registry: string;
  readonly baseUrl: string;
  readonly limits: Limits;
  readonly clock: Clock;
  readonly logger: Logger;
  private readonly retry: RetryPolicy;
  private readonly auth: Authorizer;
  private readonly transport: HttpTransport;

  constructor(registry: string, opts: ClientOptions = {}) {
    this.registry = registry;
    this.baseUrl = `${opts.plainHttp === true ? "http" : "https"}://${registryHost(registry)}`;
    this.limits = opts.limits ?? DEFAULT_LIMITS;
    this.clock = opts.clock ?? SYSTEM_CLOCK;
    this.logger = opts.logger ?? NOOP_LOGGER;
    this.retry = opts.retry ?? DEFAULT_RETRY;
    const transport: HttpTransport = (this.transport = createHttpTransport({
      ...(opts.fetch === undefined ? {} : { fetch: opts.fetch }),
      ...(opts.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: opts.requestTimeoutMs }),
      ...(opts.proxyEnv === undefined ? {} : { proxyEnv: opts.proxyEnv }),
      userAgent: opts.userAgent ?? "ocisync",
    }));
    this.auth = new Authorizer({
      transport,
      credentials: opts.credentials ?? ANONYMOUS,
      clock: this.clock,
      tokenBodyCap: this.limits.tokenBodyBytes,
      errorBodyCap: this.limits.errorBodyBytes,
      allowHttpRealm: opts.plainHttp === true,
    });
  }

  /** Absolute URL for a registry path or a server-given location (relative locations resolve against the base). */
  urlFor(pathOrUrl: string): string {
    return new URL(pathOrUrl, this.baseUrl).toString();
  }

  /**
   * `GET /v2/` (https://github.com/opencontainers/distribution-spec/blob/main/spec.md#determining-support):
   * checks that the host speaks the distribution API and learns its auth scheme, so the requests that follow
   * carry credentials from the start (a streamed upload cannot answer a challenge).
   */
  async ping(signal?: AbortSignal): Promise<"none" | "basic" | "bearer"> {
    const url = this.urlFor("/v2/");
    return withRetry(
      async () => {
        const res = await this.transport({ method: "GET", url, signal });
        if (res.status === 200) {
          await discard(res);
          return "none" as const;
        }
        const challenge =
          res.status === 401
            ? pickChallenge(parseChallenges(res.headers.get("www-authenticate")))
            : undefined;
        if (challenge === undefined) {
          throw await toRegistryError(res, {
            method: "GET",
            url,
            subject: `registry ${this.registry}`,
            errorBodyCap: this.limits.errorBodyBytes,
            now: this.clock.now(),
          });
        }
        await discard(res);
        this.auth.prime(new URL(url).host, challenge);
        return challenge.scheme === "basic" ? ("basic" as const) : ("bearer" as const);
      },
      { policy: this.retry, clock: this.clock, signal },
    );
  }

  /**
   * Sends a request with auth and, when the body can be replayed, retries; `read` runs inside the retry so a
   * body that breaks half-way is fetched again. Error statuses become `RegistryError`.
   */
  async request<T>(req: SessionRequest, read: (res: HttpResponse) => Promise<T>): Promise<T> {
    const replayable = !(req.body instanceof ReadableStream);
    const once = () => this.once(req, read);
    if (!replayable) return once();
    return withRetry(once, {
      policy: this.retry,
      clock: this.clock,
      signal: req.signal,
      onRetry: (err, attempt, delayMs) => {
        const code = (err as { code?: unknown }).code;
        this.logger.warn("retrying registry request", {
          method: req.method,
          url: redactUrl(this.urlFor(req.url)),
          attempt,
          delayMs,
          code,
        });
      },
    });
  }

  private async once<T>(req: SessionRequest, read: (res: HttpResponse) => Promise<T>): Promise<T> {
    const url = this.urlFor(req.url);
    const scopes = [`repository:${req.repository}:${req.actions}`, ...(req.extraScopes ?? [])];
    const subject = `registry ${this.registry}, repository ${req.repository}`;
    const started = this.clock.now();
    const res = await this.auth.send({
      method: req.method,
      url,
      headers: req.headers ?? {},
      body: typeof req.body === "function" ? req.body() : req.body,
      ...(typeof req.body === "function" ? { rebody: req.body } : {}),
      signal: req.signal,
      registry: this.registry,
      scopes,
      subject,
    });
    const durationMs = this.clock.now() - started;
    if (requestChannel.hasSubscribers) {
      requestChannel.publish({ method: req.method, url: redactUrl(url), status: res.status, durationMs });
    }
    this.logger.debug("registry request", {
      method: req.method,
      url: redactUrl(url),
      status: res.status,
      durationMs,
    });
    if (!req.expect.includes(res.status)) {
      throw await toRegistryError(res, {
        method: req.method,
        url,
        subject,
        errorBodyCap: this.limits.errorBodyBytes,
        now: this.clock.now(),
      });
    }
    try {
      return await read(res);
    } catch (err) {
      await res.body?.cancel().catch(() => undefined);
      throw err;
    }
  }
}

/** Consumes and drops a response body (undici's rule: every body is consumed or cancelled). */
export async function discard(res: HttpResponse): Promise<void> {
  await res.body?.cancel().catch(() => undefined);
}
