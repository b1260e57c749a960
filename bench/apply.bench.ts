// SPDX-License-Identifier: Apache-2.0
// `ocisync apply` vs `kubectl apply --server-side` with 500 objects against the same real kube-apiserver
// (issue 7): wall time, API requests (the API server's own apiserver_request_total) and peak memory, for a
// first apply (into a fresh namespace each run) and for an unchanged re-apply.
// Run: node bench/apply.bench.ts [--objects 500] [--runs 5]
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { KubeConfig } from "@kubernetes/client-node";
import { stringify } from "yaml";
import { ensurePeer } from "../scripts/peers/peers.ts";
import { startCluster, type TestCluster } from "../test/support/cluster.ts";
import { compiledCli } from "./support/compiled-cli.ts";
import { median } from "./support/measure.ts";

const { values } = parseArgs({
  options: { objects: { type: "string", default: "500" }, runs: { type: "string", default: "5" } },
});
const count = Number(values.objects);
const runs = Number(values.runs);

/** A namespace and `n - 1` objects in it: ConfigMaps, Secrets, Services and Deployments. */
function manifests(ns: string, n: number): string {
  const docs: unknown[] = [{ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } }];
  for (let i = 1; i < n; i++) {
    const name = `obj-${i}`;
    const meta = { name, namespace: ns, labels: { app: name } };
    switch (i % 5) {
      case 0:
      case 1:
        docs.push({
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: meta,
          data: { index: String(i), text: "x".repeat(200) },
        });
        break;
      case 2:
        docs.push({
          apiVersion: "v1",
          kind: "Secret",
          metadata: meta,
          stringData: { password: `secret-${i}` },
        });
        break;
      case 3:
        docs.push({
          apiVersion: "v1",
          kind: "Service",
          metadata: meta,
          // Headless: the test cluster's service IP range (/24) cannot hold hundreds of ClusterIPs.
          spec: { clusterIP: "None", selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }] },
        });
        break;
      default:
        docs.push({
          apiVersion: "apps/v1",
          kind: "Deployment",
          metadata: meta,
          spec: {
            replicas: 1,
            selector: { matchLabels: { app: name } },
            template: {
              metadata: { labels: { app: name } },
              spec: {
                containers: [
                  { name: "app", image: "registry.example/app:1", ports: [{ containerPort: 8080 }] },
                ],
              },
            },
          },
        });
    }
  }
  return docs.map((d) => `---\n${stringify(d)}`).join("");
}

// Background traffic of the API server itself (lease renewals, endpoint reconcilers) is left out.
const BACKGROUND = new Set(["leases", "endpoints", "endpointslices"]);

/** Total requests the API server has served so far (its own apiserver_request_total counter). */
async function requestTotal(kc: KubeConfig, server: string): Promise<number> {
  const opts: Parameters<typeof request>[1] = { method: "GET" };
  await kc.applyToHTTPSOptions(opts);
  const text = await new Promise<string>((ok, fail) => {
    const req = request(new URL("/metrics", server), opts, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => {
        ok(body);
      });
    });
    req.on("error", fail);
    req.end();
  });
  let total = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith("apiserver_request_total{")) continue;
    const resource = /resource="([^"]*)"/.exec(line)?.[1] ?? "";
    if (BACKGROUND.has(resource)) continue;
    total += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return total;
}

interface Run {
  wallMs: number;
  cpuMs: number;
  rssKb: number;
  requests: number;
}

async function timed(
  c: TestCluster,
  cmd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<Run> {
  const dir = await mkdtemp(join(tmpdir(), "ocisync-bench-"));
  const out = join(dir, "time");
  try {
    const before = await requestTotal(c.kubeConfig, c.server);
    const started = performance.now();
    await new Promise<void>((ok, fail) => {
      execFile(
        "/usr/bin/time",
        ["-f", "%U %S %M", "-o", out, cmd, ...args],
        { env, maxBuffer: 64 * 1024 * 1024 },
        (err, _o, stderr) => {
          if (err) fail(new Error(`${cmd} failed: ${stderr.slice(0, 2000)}`, { cause: err }));
          else ok();
        },
      );
    });
    const wallMs = performance.now() - started;
    // The scrape before this one is counted in this delta: subtract it.
    const requests = (await requestTotal(c.kubeConfig, c.server)) - before - 1;
    const [user, sys, rss] = ((await readFile(out, "utf8")).trim().split("\n").at(-1) ?? "")
      .split(" ")
      .map(Number);
    return { wallMs, cpuMs: ((user ?? 0) + (sys ?? 0)) * 1000, rssKb: rss ?? 0, requests };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface Tool {
  readonly label: string;
  command(file: string): { cmd: string; args: string[] };
}

function print(title: string, rows: readonly { label: string; runs: Run[] }[]): void {
  const base = rows[0];
  if (base === undefined) return;
  const m = (r: Run[], k: keyof Run) => median(r.map((x) => x[k]));
  const keys = ["wallMs", "cpuMs", "requests", "rssKb"] as const;
  console.log(`\n${title}`);
  console.log(
    `${"".padEnd(30)} ${"wall".padStart(9)} ${"CPU".padStart(9)} ${"requests".padStart(9)} ${"peak RSS".padStart(10)}   peer/ocisync: wall, CPU, requests, RSS`,
  );
  for (const r of rows) {
    const ratios = keys.map((k) => (m(r.runs, k) / m(base.runs, k)).toFixed(2));
    const cols = [
      `${m(r.runs, "wallMs").toFixed(0)} ms`.padStart(9),
      `${m(r.runs, "cpuMs").toFixed(0)} ms`.padStart(9),
      m(r.runs, "requests").toFixed(0).padStart(9),
      `${(m(r.runs, "rssKb") / 1024).toFixed(1)} MiB`.padStart(10),
    ];
    console.log(`${r.label.padEnd(30)} ${cols.join(" ")}   ${ratios.join(", ")}`);
  }
  console.log(
    `(medians of ${base.runs.length} runs, tools interleaved; CPU = user+sys of the client process; requests counted by the API server)`,
  );
}

const kubectl = await ensurePeer("kubectl");
const cli = await compiledCli();
const cluster = await startCluster();
const work = await mkdtemp(join(tmpdir(), "ocisync-apply-bench-"));
try {
  const env = { ...process.env, HOME: work, KUBECONFIG: cluster.kubeconfigPath, NO_COLOR: "1" };
  const tools: Tool[] = [
    {
      label: "ocisync apply",
      command: (f) => ({
        cmd: process.execPath,
        args: [cli.bin, "apply", "-f", f, "--kubeconfig", cluster.kubeconfigPath],
      }),
    },
    {
      label: "kubectl apply --server-side",
      command: (f) => ({
        cmd: kubectl,
        args: ["apply", "--server-side", "-f", f, "--kubeconfig", cluster.kubeconfigPath],
      }),
    },
  ];
  const first = tools.map((t) => ({ label: t.label, runs: [] as Run[] }));
  const again = tools.map((t) => ({ label: t.label, runs: [] as Run[] }));
  // Tools take turns within each round, so load from other processes on the machine hits both alike.
  for (let i = 0; i <= runs; i++) {
    for (const [t, tool] of tools.entries()) {
      const file = join(work, `t${t}-r${i}.yaml`);
      await writeFile(file, manifests(`bench-${t}-${i}`, count));
      const { cmd, args } = tool.command(file);
      const fresh = await timed(cluster, cmd, args, env);
      const unchanged = await timed(cluster, cmd, args, env);
      if (i === 0) continue; // warm-up (page cache, kubectl's discovery cache)
      first[t]?.runs.push(fresh);
      again[t]?.runs.push(unchanged);
    }
  }
  console.log(
    "ocisync runs compiled by tsc through the shipped launcher (as the published package); kubectl is the pinned peer build",
  );
  print(`first apply of ${count} objects (a new namespace each run)`, first);
  print(`unchanged re-apply of ${count} objects`, again);
} finally {
  await cluster.stop();
  await rm(work, { recursive: true, force: true });
  await cli.remove();
}
