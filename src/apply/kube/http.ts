// SPDX-License-Identifier: Apache-2.0
// One JSON request to the API server over a keep-alive agent. client-node's own fetch path builds a new
// undici Agent (a new TLS connection) per request in 2.0.x, so apply talks HTTPS itself with the TLS material
// and headers KubeConfig computes (reference/controller-runtime.md §1.5).
import type { Agent as HttpAgent } from "node:http";
import type { Agent as HttpsAgent } from "node:https";
import { nodeHttp, nodeHttps } from "../../core/index.ts";
import { ApplyError } from "../errors.ts";

/** Where and how to reach the API server. */
export interface ApiTarget {
  readonly server: URL;
  readonly agent: HttpAgent | HttpsAgent;
  readonly headers: Readonly<Record<string, string>>;
}

/** A request to the API server. */
export interface ApiRequest {
  readonly method: "GET" | "PATCH" | "DELETE" | "POST" | "PUT";
  readonly path: string;
  readonly query?: Readonly<Record<string, string | undefined>>;
  readonly body?: string;
  readonly contentType?: string;
  readonly signal?: AbortSignal | undefined;
}

/** The API server's answer: status and parsed JSON body (undefined when empty). */
export interface ApiResponse {
  readonly status: number;
  readonly body: unknown;
  /** `Retry-After` in seconds, when the server sent one (429, 503). */
  readonly retryAfterSeconds?: number;
}

/** Largest response body read (a LIST page of big objects stays well below). */
export const MAX_RESPONSE_BYTES = 128 * 1024 * 1024;

function urlOf(target: ApiTarget, req: ApiRequest): URL {
  const base = target.server.href.replace(/\/+$/, "");
  const url = new URL(base + req.path);
  for (const [k, v] of Object.entries(req.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
  return url;
}

/** Sends one request and reads its JSON answer (any status); network failures throw `NETWORK_ERROR`. */
export function sendApiRequest(target: ApiTarget, req: ApiRequest): Promise<ApiResponse> {
  const url = urlOf(target, req);
  const send = url.protocol === "http:" ? nodeHttp().request : nodeHttps().request;
  return new Promise<ApiResponse>((resolve, reject) => {
    const headers: Record<string, string> = { ...target.headers, Accept: "application/json" };
    if (req.contentType !== undefined) headers["Content-Type"] = req.contentType;
    const r = send(url, { method: req.method, agent: target.agent, headers, signal: req.signal }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        size += c.length;
        if (size > MAX_RESPONSE_BYTES) {
          res.destroy(new Error(`response larger than ${MAX_RESPONSE_BYTES} bytes`));
          return;
        }
        chunks.push(c);
      });
      res.on("error", (e) => {
        reject(networkError(req, e));
      });
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let body: unknown;
        try {
          body = text === "" ? undefined : JSON.parse(text);
        } catch {
          body = { message: text.slice(0, 1024) };
        }
        const retryAfter = Number(res.headers["retry-after"]);
        resolve({
          status: res.statusCode ?? 0,
          body,
          ...(Number.isFinite(retryAfter) && res.headers["retry-after"] !== undefined
            ? { retryAfterSeconds: retryAfter }
            : {}),
        });
      });
    });
    r.on("error", (e) => {
      reject(req.signal?.aborted === true ? (req.signal.reason as Error) : networkError(req, e));
    });
    r.end(req.body);
  });
}

function networkError(req: ApiRequest, cause: unknown): ApplyError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new ApplyError({
    code: "NETWORK_ERROR",
    message: `${req.method} ${req.path}: ${detail}`,
    cause,
    retryable: true,
  });
}

/** Turns a non-2xx answer into an `ApplyError` carrying the API server's status, reason and message. */
export function apiError(res: ApiResponse, what: string, subject?: string): ApplyError {
  const body = (typeof res.body === "object" && res.body !== null ? res.body : {}) as {
    reason?: unknown;
    message?: unknown;
  };
  const reason = typeof body.reason === "string" ? body.reason : undefined;
  const message = typeof body.message === "string" ? body.message : `HTTP ${res.status}`;
  return new ApplyError({
    code: "API_ERROR",
    message: `${what}: ${message}`,
    status: res.status,
    ...(reason === undefined ? {} : { reason }),
    ...(subject === undefined ? {} : { subject }),
    retryable: res.status === 429 || res.status >= 500,
  });
}
