// SPDX-License-Identifier: Apache-2.0
// Transport behaviour of KubeClient that the real kube-apiserver cannot be asked for: overload answers.
import assert from "node:assert/strict";
import { createServer, Agent, type Server } from "node:http";
import { after, before, test } from "node:test";
import { FakeClock } from "../../testing/index.ts";
import { KubeClient } from "./client.ts";

let server: Server;
let url: URL;
const answers: { status: number; headers?: Record<string, string> }[] = [];

before(async () => {
  server = createServer((_req, res) => {
    const a = answers.shift() ?? { status: 200 };
    res.writeHead(a.status, { "content-type": "application/json", ...a.headers });
    res.end(
      JSON.stringify(
        a.status === 200 ? { kind: "ConfigMap" } : { reason: "TooManyRequests", message: "slow down" },
      ),
    );
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address();
  assert.ok(addr !== null && typeof addr === "object");
  url = new URL(`http://127.0.0.1:${addr.port}`);
});
after(() => {
  server.close();
});

const cases = [
  {
    name: "429 with Retry-After, then 200",
    input: [{ status: 429, headers: { "retry-after": "2" } }],
    want: { status: 200, requests: 2, sleeps: [2000] },
  },
  {
    name: "503 twice, then 200",
    input: [{ status: 503 }, { status: 503 }],
    want: { status: 200, requests: 3, sleeps: 2 },
  },
  {
    name: "gives up after 4 attempts",
    input: [{ status: 429 }, { status: 429 }, { status: 429 }, { status: 429 }],
    want: { status: 429, requests: 4, sleeps: 3 },
  },
  {
    name: "other errors are not retried",
    input: [{ status: 422 }],
    want: { status: 422, requests: 1, sleeps: 0 },
  },
];
for (const c of cases) {
  test(`KubeClient.send retries: ${c.name}`, async () => {
    answers.splice(0, answers.length, ...c.input);
    const clock = new FakeClock();
    const client = new KubeClient({ server: url, agent: new Agent({ keepAlive: true }), headers: {} }, clock);
    try {
      const res = await client.send({ method: "GET", path: "/api/v1/namespaces/a/configmaps/b" });
      assert.equal(res.status, c.want.status);
      assert.equal(client.requests, c.want.requests);
      if (Array.isArray(c.want.sleeps)) assert.deepEqual(clock.sleeps, c.want.sleeps);
      else assert.equal(clock.sleeps.length, c.want.sleeps);
    } finally {
      client.close();
    }
  });
}
