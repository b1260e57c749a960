// SPDX-License-Identifier: Apache-2.0
import { OciError } from "../errors.ts";
import type { ProxyEnv } from "../../core/index.ts";
import { createNodeWire, type Wire, type WireResponse } from "./node-wire.ts";
import { redactUrl } from "./redact.ts";

/** A request as the transport sends it. Bodies that are streams cannot be replayed (no retry, no auth retry). */
export interface HttpRequest {
  readonly method: string;
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | ReadableStream<Uint8Array> | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** A response; `body` is guarded by an idle timeout and must be consumed or cancelled. */
export type HttpResponse = WireResponse;

/** Anything with the shape of global `fetch`, to send registry requests through instead of `node:http`. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** Options of {@link createHttpTransport}. */
export interface HttpTransportOptions {
  /** Send through this `fetch` (e.g. one with an undici proxy dispatcher); default `node:http`. */
  readonly fetch?: FetchLike;
  /**
   * Proxy settings (`proxyEnvFrom` of the environment) for the `node:http` wire: its own keep-alive agents with
   * Node's proxy support instead of the global agents. Ignored with `fetch`.
   */
  readonly proxyEnv?: ProxyEnv | undefined;
  /** Time to response headers, and the longest pause between body chunks. */
  readonly requestTimeoutMs?: number;
  readonly userAgent?: string;
  readonly maxRedirects?: number;
}

/** One HTTP exchange: timeouts, redirects without leaking credentials, typed network errors. No retries. */
export type HttpTransport = (req: HttpRequest) => Promise<HttpResponse>;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Creates the transport every registry request goes through. Redirects are followed by hand so that
 * `Authorization` is dropped whenever the origin changes (distribution-spec: blobs may 307 to storage).
 */
export function createHttpTransport(opts: HttpTransportOptions = {}): HttpTransport {
  const wire: Wire = opts.fetch === undefined ? createNodeWire(opts.proxyEnv) : fetchWire(opts.fetch);
  const timeoutMs = opts.requestTimeoutMs ?? 30_000;
  const maxRedirects = opts.maxRedirects ?? 10;
  return async (req) => {
    let url = req.url;
    let headers: Record<string, string> = { "user-agent": opts.userAgent ?? "ocisync", ...req.headers };
    let method = req.method;
    let body = req.body;
    for (let hop = 0; ; hop++) {
      const res = await sendOnce({ method, url, headers, body, signal: req.signal }, wire, timeoutMs);
      if (!REDIRECTS.has(res.status)) return res;
      const location = res.headers.get("location");
      await res.body?.cancel().catch(() => undefined);
      if (location === null || hop >= maxRedirects) {
        throw new OciError({
          code: "NETWORK_ERROR",
          message: `too many or broken redirects from ${redactUrl(req.url)}`,
        });
      }
      const next = new URL(location, url);
      if (next.origin !== new URL(url).origin) headers = withoutAuthorization(headers);
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === "POST")) {
        method = method === "HEAD" ? "HEAD" : "GET";
        body = undefined;
      }
      url = next.toString();
    }
  };
}

function withoutAuthorization(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).filter(([k]) => k.toLowerCase() !== "authorization"));
}

/** Adapts a `fetch` to the wire: no redirects followed, the body passed through as a stream. */
function fetchWire(doFetch: FetchLike): Wire {
  return async (url, req) => {
    const init: RequestInit & { duplex?: "half" } = {
      method: req.method,
      headers: req.headers,
      redirect: "manual",
      signal: req.signal,
    };
    if (req.body !== undefined) {
      init.body = req.body as BodyInit;
      if (req.body instanceof ReadableStream) init.duplex = "half";
    }
    const res = await doFetch(url, init);
    return { status: res.status, headers: res.headers, body: res.body, url: res.url || url };
  };
}

async function sendOnce(req: HttpRequest, wire: Wire, timeoutMs: number): Promise<HttpResponse> {
  const ctl = new AbortController();
  const signal = req.signal ? AbortSignal.any([req.signal, ctl.signal]) : ctl.signal;
  let timer = setTimeout(() => {
    ctl.abort();
  }, timeoutMs);
  let res: HttpResponse;
  try {
    res = await wire(req.url, { method: req.method, headers: req.headers ?? {}, body: req.body, signal });
  } catch (err) {
    clearTimeout(timer);
    throw networkError(err, req, ctl.signal.aborted, timeoutMs);
  }
  clearTimeout(timer);
  const source = res.body;
  if (source === null) return res;
  const reader = source.getReader();
  const guarded = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        timer = setTimeout(() => {
          ctl.abort();
        }, timeoutMs);
        try {
          const { done, value } = await reader.read();
          if (done) controller.close();
          else controller.enqueue(value);
        } catch (err) {
          controller.error(networkError(err, req, ctl.signal.aborted, timeoutMs));
        } finally {
          clearTimeout(timer);
        }
      },
      async cancel(reason) {
        clearTimeout(timer);
        await reader.cancel(reason).catch(() => undefined);
      },
    },
    { highWaterMark: 0 }, // pull on demand only: no chunk waits here (see node-wire.ts)
  );
  return { ...res, body: guarded };
}

function networkError(err: unknown, req: HttpRequest, timedOut: boolean, timeoutMs: number): Error {
  if (req.signal?.aborted === true) {
    const reason: unknown = req.signal.reason;
    return reason instanceof Error
      ? reason
      : new OciError({ code: "TIMEOUT", message: "operation cancelled" });
  }
  const target = `${req.method} ${redactUrl(req.url)}`;
  if (timedOut) {
    return new OciError({
      code: "TIMEOUT",
      message: `timeout: ${target} made no progress for ${timeoutMs} ms`,
      retryable: true,
      cause: err,
    });
  }
  if (err instanceof OciError) return err;
  return new OciError({
    code: "NETWORK_ERROR",
    message: `network error: ${target} failed: ${describe(err)}`,
    retryable: true,
    cause: err,
  });
}

function describe(err: unknown): string {
  const own = (err as { code?: unknown } | undefined)?.code;
  if (err instanceof Error && typeof own === "string")
    return err.message.includes(own) ? err.message : `${own} ${err.message}`;
  const cause: unknown = err instanceof Error ? err.cause : undefined;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === "string" ? `${code} ${cause.message}` : cause.message;
  }
  return err instanceof Error ? err.message : String(err);
}
