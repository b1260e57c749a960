// SPDX-License-Identifier: Apache-2.0
/**
 * The default network port: one HTTP exchange over `node:http`/`node:https` and their keep-alive global agents,
 * or agents of its own built with Node's proxy support when proxy settings are given ({@link createNodeWire}).
 * Not global `fetch`: undici compiles its WebAssembly HTTP parser on the first request, which costs every
 * registry command about 30 MB of peak memory, and its bodies go through more stream layers than the data
 * needs (docs/adr/0007-registry-transport-on-node-http.md). No redirects are followed here and nothing is decompressed:
 * blob digests are over the bytes as sent.
 */
import type { Agent, ClientRequest, IncomingMessage } from "node:http";
import { nodeHttp, nodeHttps, type ProxyEnv } from "../../core/index.ts";

/** Response headers, looked up case-insensitively (the part of `Headers` the client uses). */
export interface ResponseHeaders {
  get(name: string): string | null;
}

/** One request on the wire. */
export interface WireRequest {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | ReadableStream<Uint8Array> | undefined;
  readonly signal: AbortSignal;
}

/** One response on the wire; `body` is null when the status or method has none. */
export interface WireResponse {
  readonly status: number;
  readonly headers: ResponseHeaders;
  readonly body: ReadableStream<Uint8Array> | null;
  /** The URL that answered. */
  readonly url: string;
}

/** Sends one request and resolves at the response headers. */
export type Wire = (url: string, req: WireRequest) => Promise<WireResponse>;

/** Statuses that never carry a body. */
const NO_BODY = new Set([204, 205, 304]);

/**
 * The `node:http` wire over the global agents. Network failures reject with the socket's error (its `code`,
 * e.g. `ECONNREFUSED`).
 */
export const nodeWire: Wire = (url, req) => send(url, new URL(url), req, undefined);

/**
 * A `node:http` wire. With `proxyEnv` it sends through one keep-alive `http.Agent` and one `https.Agent` of its
 * own (the latter built on first use, so TLS loads only when needed) with Node's built-in proxy support:
 * plain requests to an HTTP proxy, `CONNECT` tunnels for https, `NO_PROXY` bypasses. Without it, the global
 * agents ({@link nodeWire}).
 */
export function createNodeWire(proxyEnv?: ProxyEnv): Wire {
  if (proxyEnv === undefined) return nodeWire;
  let http: Agent | undefined;
  let https: Agent | undefined;
  return (url, req) => {
    const target = new URL(url);
    const agent =
      target.protocol === "http:"
        ? (http ??= new (nodeHttp().Agent)({ keepAlive: true, proxyEnv }))
        : (https ??= new (nodeHttps().Agent)({ keepAlive: true, proxyEnv }));
    return send(url, target, req, agent);
  };
}

function send(url: string, target: URL, req: WireRequest, agent: Agent | undefined): Promise<WireResponse> {
  const request = target.protocol === "http:" ? nodeHttp().request : nodeHttps().request;
  const headers: Record<string, string> = { ...req.headers };
  if (req.body instanceof Uint8Array) headers["content-length"] = String(req.body.byteLength);
  return new Promise<WireResponse>((resolve, reject) => {
    const options = {
      method: req.method,
      headers,
      signal: req.signal,
      ...(agent === undefined ? {} : { agent }),
    };
    const r = request(target, options, (res) => {
      const status = res.statusCode ?? 0;
      const empty = req.method === "HEAD" || NO_BODY.has(status);
      if (empty) res.resume();
      resolve({ status, headers: headersOf(res), body: empty ? null : bodyOf(res, req.signal), url });
    });
    r.on("error", reject);
    writeBody(r, req.body).catch((err: unknown) => {
      r.destroy(err instanceof Error ? err : new Error(String(err)));
    });
  });
}

function headersOf(res: IncomingMessage): ResponseHeaders {
  return {
    get(name) {
      const v = res.headers[name.toLowerCase()];
      if (v === undefined) return null;
      return Array.isArray(v) ? v.join(", ") : v;
    },
  };
}

/**
 * The response as a web stream with backpressure (the socket pauses until a chunk is read). A
 * connection that closes before the body is complete errors the stream (Node reports `aborted`).
 */
function bodyOf(res: IncomingMessage, signal: AbortSignal): ReadableStream<Uint8Array> {
  let settled = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const fail = (err: unknown) => {
          if (settled) return;
          settled = true;
          controller.error(signal.aborted ? (signal.reason as Error) : err);
        };
        res.on("data", (chunk: Buffer) => {
          if (settled) return;
          controller.enqueue(chunk);
          if ((controller.desiredSize ?? 0) <= 0) res.pause();
        });
        res.on("end", () => {
          if (settled) return;
          settled = true;
          controller.close();
        });
        res.on("error", fail);
        res.on("close", () => {
          fail(new Error("connection closed before the response body was complete"));
        });
        signal.addEventListener(
          "abort",
          () => {
            res.destroy(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
          },
          { once: true },
        );
      },
      pull() {
        res.resume();
      },
      cancel() {
        settled = true;
        res.destroy();
      },
    },
    // Nothing queued ahead of the reader: a chunk waiting in a queue while the young generation is scavenged is
    // promoted and then lives until a full collection (50 MiB pull 89 -> 81 MB peak with the same below).
    { highWaterMark: 0 },
  );
}

/** Writes the request body, waiting for the socket to drain between stream chunks, and ends the request. */
async function writeBody(r: ClientRequest, body: WireRequest["body"]): Promise<void> {
  if (body === undefined) {
    r.end();
    return;
  }
  if (body instanceof Uint8Array) {
    r.end(body);
    return;
  }
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!r.write(value)) await drained(r);
    }
    r.end();
  } catch (err) {
    await reader.cancel(err).catch(() => undefined);
    throw err;
  }
}

function drained(r: ClientRequest): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      r.off("drain", onDrain);
      r.off("close", onClose);
      if (err === undefined) resolve();
      else reject(err);
    };
    const onDrain = () => {
      done();
    };
    const onClose = () => {
      done(new Error("connection closed while sending the request body"));
    };
    r.on("drain", onDrain);
    r.on("close", onClose);
  });
}
