// SPDX-License-Identifier: Apache-2.0
// A fault-injecting HTTP proxy in front of the real registry (STYLE.md §8): connection resets, truncated and
// corrupted bodies, canned statuses (429 + Retry-After, 5xx) and stalls, chosen per request by ordered rules.
// The client's Host header is forwarded unchanged, so distribution builds its absolute `Location` headers
// (registry/api/v2/urls.go, NewURLBuilderFromRequest) for the proxy; any that still name the target are rewritten.
import { createServer, request as httpRequest } from "node:http";
import type {
  ClientRequest,
  IncomingHttpHeaders,
  IncomingMessage,
  OutgoingHttpHeaders,
  ServerResponse,
} from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { LOOPBACK } from "./ports.ts";

/** What to do to a matching request. */
export type Fault =
  | { kind: "reset" } // destroy the connection with a TCP RST before answering
  | { kind: "truncate"; afterBytes: number } // real headers (and Content-Length), then N body bytes, then close
  | { kind: "corrupt" } // flip body bytes, keep the length and headers
  | { kind: "status"; status: number; retryAfter?: string; body?: string } // answer without forwarding
  | { kind: "stall"; ms?: number } // accept and never answer, or answer normally after `ms`
  | { kind: "redirect"; to: (path: string) => string } // 307 to another URL (object storage, another host)
  // Serve a tag list in pages with `Link` headers, as distribution 3.x does (2.8.2 ignores `n`/`last`);
  // `linkOrigin` makes the next link point elsewhere (to test that clients refuse to follow it).
  | { kind: "paginate"; pageSize: number; linkOrigin?: string };

/** A fault and the requests it applies to. */
export interface FaultRule {
  /** `method` compares case-insensitively; `path` is tested against the URL path without the query. */
  match: { method?: string; path?: RegExp };
  fault: Fault;
  /** Apply to the first N matching requests (default: always). */
  times?: number;
}

/** One request the proxy saw. */
export interface ProxiedRequest {
  method: string;
  /** URL path without the query. */
  path: string;
  /** Status the client got; 0 when it got none (reset, stall, upstream failure after headers). */
  status: number;
  /** Path and query as requested. */
  url: string;
  /** The fault applied, if any. */
  fault?: Fault["kind"];
  /** Whether the request carried an `Authorization` header (never its value). */
  authorization: boolean;
}

/** A running fault proxy. */
export interface FaultProxy {
  /** `127.0.0.1:PORT`: use it in references instead of the registry's host. */
  readonly host: string;
  readonly url: string;
  /** Every request, in arrival order. */
  readonly requests: ProxiedRequest[];
  /** Replaces the rules (and their `times` counters). An empty list forwards everything untouched. */
  setRules(rules: FaultRule[]): void;
  stop(): Promise<void>;
}

// Hop-by-hop headers (RFC 9110 §7.6.1) are not forwarded; Node frames the body itself.
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "transfer-encoding",
  "upgrade",
  "te",
  "trailer",
]);

function endToEnd(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}

function errorBody(status: number): string {
  const code =
    status === 429
      ? "TOOMANYREQUESTS"
      : status === 503
        ? "UNAVAILABLE"
        : status === 401
          ? "UNAUTHORIZED"
          : status === 403
            ? "DENIED"
            : "UNKNOWN";
  return JSON.stringify({ errors: [{ code, message: `injected by the fault proxy (${status})` }] });
}

interface ActiveRule {
  readonly rule: FaultRule;
  remaining: number;
}

/** Starts a fault proxy on a random loopback port that forwards to `target` (a {@link TestRegistry} or any `{url}`). */
export async function startFaultProxy(target: { readonly url: string }): Promise<FaultProxy> {
  const targetUrl = new URL(target.url);
  const targetOrigin = targetUrl.origin;
  const requests: ProxiedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const upstreams = new Set<ClientRequest>();
  let rules: ActiveRule[] = [];
  let proxyUrl = "";

  function pickFault(method: string, path: string): Fault | undefined {
    for (const r of rules) {
      const { match } = r.rule;
      if (match.method !== undefined && match.method.toUpperCase() !== method) continue;
      if (match.path !== undefined) {
        match.path.lastIndex = 0;
        if (!match.path.test(path)) continue;
      }
      if (r.remaining <= 0) continue;
      r.remaining--;
      return r.rule.fault;
    }
    return undefined;
  }

  function respondWith(
    res: ServerResponse,
    rec: ProxiedRequest,
    f: Extract<Fault, { kind: "status" }>,
  ): void {
    const headers: OutgoingHttpHeaders = { "content-type": "application/json; charset=utf-8" };
    if (f.retryAfter !== undefined) headers["retry-after"] = f.retryAfter;
    rec.status = f.status;
    res.writeHead(f.status, headers).end(f.body ?? errorBody(f.status));
  }

  function forward(
    req: IncomingMessage,
    res: ServerResponse,
    rec: ProxiedRequest,
    fault: Fault | undefined,
  ): void {
    const up = httpRequest({
      host: targetUrl.hostname,
      port: targetUrl.port,
      method: req.method,
      path: req.url,
      headers: endToEnd(req.headers),
      agent: false,
    });
    upstreams.add(up);
    up.on("close", () => upstreams.delete(up));
    res.on("close", () => {
      if (!res.writableFinished) up.destroy();
    });
    up.on("error", () => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      rec.status = 502;
      res.writeHead(502, { "content-type": "application/json" }).end(errorBody(502));
    });
    up.on("response", (upRes) => {
      relay(upRes, res, rec, fault);
    });
    req.pipe(up);
  }

  function relay(
    upRes: IncomingMessage,
    res: ServerResponse,
    rec: ProxiedRequest,
    fault: Fault | undefined,
  ): void {
    const headers = endToEnd(upRes.headers);
    const location = headers.location;
    if (typeof location === "string" && location.startsWith(targetOrigin)) {
      headers.location = proxyUrl + location.slice(targetOrigin.length);
    }
    rec.status = upRes.statusCode ?? 0;
    if (fault?.kind === "paginate" && rec.status === 200) {
      paginate(upRes, res, rec, headers, fault);
      return;
    }
    res.writeHead(rec.status, headers);
    if (fault?.kind === "truncate") {
      truncate(upRes, res, fault.afterBytes);
    } else if (fault?.kind === "corrupt") {
      let offset = 0;
      upRes.on("data", (chunk: Buffer) => {
        const out = Buffer.from(chunk);
        // Flip the first byte and every 1024th after it, so small and large bodies both differ.
        for (let i = (1024 - (offset % 1024)) % 1024; i < out.length; i += 1024)
          out[i] = (out[i] ?? 0) ^ 0xff;
        offset += out.length;
        res.write(out);
      });
      upRes.on("end", () => res.end());
    } else {
      upRes.pipe(res);
    }
  }

  function paginate(
    upRes: IncomingMessage,
    res: ServerResponse,
    rec: ProxiedRequest,
    headers: OutgoingHttpHeaders,
    f: Extract<Fault, { kind: "paginate" }>,
  ): void {
    const chunks: Buffer[] = [];
    upRes.on("data", (c: Buffer) => chunks.push(c));
    upRes.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { name: string; tags: string[] };
      const query = new URL(rec.url, "http://proxy").searchParams;
      const last = query.get("last");
      const rest = [...body.tags].sort().filter((t) => last === null || t > last);
      const page = rest.slice(0, f.pageSize);
      const out: OutgoingHttpHeaders = { ...headers };
      delete out["content-length"];
      if (rest.length > page.length) {
        const next = `/v2/${body.name}/tags/list?n=${f.pageSize}&last=${encodeURIComponent(page.at(-1) ?? "")}`;
        out.link = `<${f.linkOrigin ?? ""}${next}>; rel="next"`;
      }
      res.writeHead(200, out).end(JSON.stringify({ name: body.name, tags: page }));
    });
  }

  function truncate(upRes: IncomingMessage, res: ServerResponse, afterBytes: number): void {
    let sent = 0;
    const cut = (): void => {
      upRes.destroy();
      res.destroy();
    };
    res.flushHeaders();
    if (afterBytes <= 0) {
      setImmediate(cut);
      return;
    }
    upRes.on("data", (chunk: Buffer) => {
      if (sent >= afterBytes) return;
      const part = chunk.subarray(0, afterBytes - sent);
      sent += part.length;
      if (sent >= afterBytes) res.write(part, cut);
      else res.write(part);
    });
    upRes.on("end", () => {
      if (sent < afterBytes) res.write(Buffer.alloc(0), cut);
    });
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? "/";
    const method = req.method ?? "GET";
    const path = url.split("?")[0] ?? url;
    const fault = pickFault(method, path);
    const rec: ProxiedRequest = {
      method,
      path,
      status: 0,
      url,
      authorization: req.headers.authorization !== undefined,
    };
    if (fault !== undefined) rec.fault = fault.kind;
    requests.push(rec);
    switch (fault?.kind) {
      case "reset":
        req.socket.resetAndDestroy();
        return;
      case "status":
        req.resume();
        respondWith(res, rec, fault);
        return;
      case "redirect":
        req.resume();
        rec.status = 307;
        res.writeHead(307, { location: fault.to(url) }).end();
        return;
      case "stall": {
        if (fault.ms === undefined) return; // held open until the client gives up or stop() closes it
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!res.destroyed) forward(req, res, rec, undefined);
        }, fault.ms);
        timers.add(timer);
        return;
      }
      default:
        forward(req, res, rec, fault);
    }
  }

  const server = createServer(handle);
  const sockets = new Set<Socket>();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: LOOPBACK, port: 0 }, resolve);
  });
  const { port } = server.address() as AddressInfo;
  proxyUrl = `http://${LOOPBACK}:${port}`;
  let stopped: Promise<void> | undefined;
  return {
    host: `${LOOPBACK}:${port}`,
    url: proxyUrl,
    requests,
    setRules(next) {
      rules = next.map((rule) => ({ rule, remaining: rule.times ?? Number.POSITIVE_INFINITY }));
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        timers.clear();
        for (const up of upstreams) up.destroy();
        server.close(() => {
          resolve();
        });
        for (const s of sockets) s.destroy();
      });
      return stopped;
    },
  };
}
