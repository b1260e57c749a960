// SPDX-License-Identifier: Apache-2.0
// npm run -s dev-cluster -- start    starts etcd + kube-apiserver on loopback (building them first if the
//                                    cache lacks them), waits for /readyz, prints `export KUBECONFIG=<path>` last
// npm run -s dev-cluster -- stop     stops what start started and removes its data
// npm run -s dev-cluster -- status   prints the running cluster's server and kubeconfig, or exits 1
// The running cluster is recorded in <cache>/dev-cluster/state.json (see scripts/peers/peers.ts for <cache>).
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { cacheRoot } from "../peers/peers.ts";
import { isRunning, readState, startCluster, stopCluster } from "./cluster.ts";

const USAGE = "usage: dev-cluster start | stop | status";

function stateFile(): string {
  return join(cacheRoot(), "dev-cluster", "state.json");
}

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

async function main(cmd: string | undefined): Promise<number> {
  const file = stateFile();
  const existing = await readState(file);
  switch (cmd) {
    case "start": {
      if (existing !== undefined) {
        if (isRunning(existing)) {
          log(`dev-cluster: already running at ${existing.server}`);
          process.stdout.write(`export KUBECONFIG=${existing.kubeconfigPath}\n`);
          return 0;
        }
        log(`dev-cluster: cleaning up a cluster that is no longer running (${existing.dir})`);
        await stopCluster(existing);
        await rm(file, { force: true });
      }
      const state = await startCluster({ detached: true, log });
      await mkdir(join(cacheRoot(), "dev-cluster"), { recursive: true });
      await writeFile(file, `${JSON.stringify(state, null, 2)}\n`);
      log(`dev-cluster: logs in ${state.dir}; stop with: npm run -s dev-cluster -- stop`);
      process.stdout.write(`export KUBECONFIG=${state.kubeconfigPath}\n`);
      return 0;
    }
    case "stop": {
      if (existing === undefined) {
        log("dev-cluster: nothing to stop");
        return 0;
      }
      await stopCluster(existing);
      await rm(file, { force: true });
      log(`dev-cluster: stopped ${existing.server} and removed ${existing.dir}`);
      return 0;
    }
    case "status": {
      if (existing === undefined || !isRunning(existing)) {
        log("dev-cluster: not running");
        return 1;
      }
      process.stdout.write(`${existing.server}\nexport KUBECONFIG=${existing.kubeconfigPath}\n`);
      return 0;
    }
    default:
      log(USAGE);
      return 2;
  }
}

main(process.argv[2]).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
