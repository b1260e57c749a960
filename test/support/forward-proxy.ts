// SPDX-License-Identifier: Apache-2.0
// A small forward proxy, as corporate networks have: it forwards absolute-URL requests (`GET http://host/…`)
// and tunnels `CONNECT host:port` with node:net, and records what it was asked. Host names can be mapped to
// addresses only the proxy knows, so a request that reaches the target proves it went through the proxy.
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
} from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";
import { LOOPBACK } from "./ports.ts";

/** One request the proxy saw. */
export interface ForwardedRequest {
  readonly kind: "forward" | "connect";
  /** `host:port` as the client asked for it. */
  readonly target: string;
  /** The request method (`CONNECT` for tunnels). */
  readonly method: string;
  /** Path and query of a forwarded request; empty for a tunnel. */
  readonly path: string;
  /** The status the proxy answered with itself (407, 502), or 0 when it forwarded. */
  readonly refused: number;
}

export interface ForwardProxy {
  /** `http://127.0.0.1:PORT`, without credentials. */
  readonly url: string;
  /** Everything the proxy was asked, in order. */
  readonly requests: ForwardedRequest[];
  stop(): Promise<void>;
}

export interface ForwardProxyOptions {
  /** Host names the proxy resolves itself (e.g. `registry.test` → `127.0.0.1`); others go to DNS. */
  readonly hosts?: Readonly<Record<string, string>>;
  /** Require `Proxy-Authorization: Basic` with this `user:password`; else answer 407. */
  readonly credentials?: string;
}

/** Starts the proxy on a random loopback port. */
export async function startForwardProxy(opts: ForwardProxyOptions = {}): Promise<ForwardProxy> {
  const requests: ForwardedRequest[] = [];
  const sockets = new Set<Socket>();
  const expected =
    opts.credentials === undefined ? undefined : `Basic ${Buffer.from(opts.credentials).toString("base64")}`;
  const authorized = (req: IncomingMessage) =>
    expected === undefined || req.headers["proxy-authorization"] === expected;
  const address = (hostname: string) => opts.hosts?.[hostname] ?? hostname;

  const server = createServer((req, res) => {
    let target: URL;
    try {
      target = new URL(req.url ?? "");
    } catch {
      res.writeHead(400).end("not a proxy request\n");
      return;
    }
    const seen = { kind: "forward" as const, target: target.host, method: req.method ?? "", path: "" };
    const path = `${target.pathname}${target.search}`;
    if (!authorized(req)) {
      requests.push({ ...seen, path, refused: 407 });
      res.writeHead(407, { "proxy-authenticate": 'Basic realm="proxy"' }).end();
      return;
    }
    requests.push({ ...seen, path, refused: 0 });
    const headers: OutgoingHttpHeaders = { ...req.headers };
    delete headers["proxy-authorization"];
    delete headers["proxy-connection"];
    const upstream = httpRequest(
      {
        host: address(target.hostname),
        port: target.port === "" ? 80 : Number(target.port),
        method: req.method,
        path,
        headers, // Host unchanged: the target builds its Location headers for the name the client used
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502);
      res.destroy();
    });
    req.pipe(upstream);
  });

  server.on("connect", (req: IncomingMessage, client: Socket, head: Buffer) => {
    const target = req.url ?? "";
    const seen = { kind: "connect" as const, target, method: "CONNECT", path: "" };
    if (!authorized(req)) {
      requests.push({ ...seen, refused: 407 });
      client.end(
        'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="proxy"\r\n\r\n',
      );
      return;
    }
    const at = target.lastIndexOf(":");
    const host = target.slice(0, at).replace(/^\[|\]$/g, "");
    const upstream = connect(Number(target.slice(at + 1)), address(host));
    sockets.add(upstream);
    upstream.on("close", () => sockets.delete(upstream));
    upstream.once("connect", () => {
      requests.push({ ...seen, refused: 0 });
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on("error", () => {
      if (upstream.connecting) {
        requests.push({ ...seen, refused: 502 });
        client.end("HTTP/1.1 502 Bad Gateway\r\n\r\n");
      } else client.destroy();
    });
    client.on("error", () => upstream.destroy());
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, LOOPBACK, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${LOOPBACK}:${String(port)}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}
