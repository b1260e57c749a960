// SPDX-License-Identifier: Apache-2.0
// The node:http wire on its own, against a loopback HTTP server: what the registry tests cannot easily force.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { nodeWire } from "./node-wire.ts";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let handler: Handler = (_req, res) => res.end();
const server = createServer((req, res) => {
  handler(req, res);
});
let base = "";
before(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const signal = () => new AbortController().signal;

async function readAll(body: ReadableStream<Uint8Array> | null): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  if (body !== null) for await (const c of body) parts.push(c);
  return Buffer.concat(parts);
}

test("a streamed request body arrives whole, with backpressure", async () => {
  handler = (req, res) => {
    const h = createHash("sha256");
    let n = 0;
    req.on("data", (c: Buffer) => {
      h.update(c);
      n += c.length;
    });
    req.on("end", () => res.end(`${String(n)} ${h.digest("hex")}`));
  };
  const block = Buffer.alloc(1024 * 1024, 7);
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      for (let i = 0; i < 20; i++) c.enqueue(block);
      c.close();
    },
  });
  const res = await nodeWire(`${base}/up`, { method: "PATCH", headers: {}, body, signal: signal() });
  const want = createHash("sha256");
  for (let i = 0; i < 20; i++) want.update(block);
  assert.equal((await readAll(res.body)).toString(), `${String(20 * block.length)} ${want.digest("hex")}`);
});

test("byte bodies carry their Content-Length; headers are read case-insensitively", async () => {
  handler = (req, res) => {
    res.setHeader("Docker-Content-Digest", "sha256:x");
    res.setHeader("WWW-Authenticate", ['Bearer realm="a"', 'Basic realm="b"']);
    res.end(req.headers["content-length"]);
  };
  const res = await nodeWire(`${base}/put`, {
    method: "PUT",
    headers: {},
    body: new Uint8Array(5),
    signal: signal(),
  });
  assert.equal((await readAll(res.body)).toString(), "5");
  assert.equal(res.headers.get("docker-content-digest"), "sha256:x");
  assert.equal(res.headers.get("Www-Authenticate"), 'Bearer realm="a", Basic realm="b"');
  assert.equal(res.headers.get("location"), null);
});

test("HEAD and 204 answers have no body", async () => {
  handler = (req, res) => {
    res.statusCode = req.method === "HEAD" ? 200 : 204;
    res.setHeader("content-length", req.method === "HEAD" ? "99" : "0");
    res.end();
  };
  const head = await nodeWire(`${base}/m`, { method: "HEAD", headers: {}, signal: signal() });
  assert.equal(head.status, 200);
  assert.equal(head.body, null);
  const del = await nodeWire(`${base}/m`, { method: "DELETE", headers: {}, signal: signal() });
  assert.equal(del.status, 204);
  assert.equal(del.body, null);
});

test("a connection that closes mid-body errors the stream instead of ending it short", async () => {
  handler = (_req, res) => {
    res.setHeader("content-length", "100");
    res.write("0123456789");
    setTimeout(() => res.socket?.destroy(), 20);
  };
  const res = await nodeWire(`${base}/blob`, { method: "GET", headers: {}, signal: signal() });
  await assert.rejects(readAll(res.body));
});

test("aborting stops a body that is still arriving", async () => {
  handler = (_req, res) => {
    res.setHeader("content-length", "100");
    res.write("0123456789"); // and never the rest
  };
  const ctl = new AbortController();
  const res = await nodeWire(`${base}/slow`, { method: "GET", headers: {}, signal: ctl.signal });
  const reading = readAll(res.body);
  setTimeout(() => {
    ctl.abort(new Error("gave up"));
  }, 20);
  await assert.rejects(reading, /gave up/);
});

test("a refused connection rejects with the socket's code", async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) =>
    closed.close(() => {
      resolve();
    }),
  );
  await assert.rejects(
    nodeWire(`http://127.0.0.1:${String(port)}/v2/`, { method: "GET", headers: {}, signal: signal() }),
    (err: NodeJS.ErrnoException) => err.code === "ECONNREFUSED",
  );
});
