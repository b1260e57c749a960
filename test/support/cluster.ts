// SPDX-License-Identifier: Apache-2.0
// A real kube-apiserver + etcd for a test suite, started through the same code as `npm run dev-cluster`
// (scripts/dev-cluster/cluster.ts). With OCISYNC_TEST_KUBECONFIG set, the suite uses that existing
// cluster instead and leaves it running.
//
//   const cluster = useCluster();            // registers before/after hooks on the current suite
//   test("…", async () => { const kc = cluster().kubeConfig; … });
import { after, before } from "node:test";
import { KubeConfig } from "@kubernetes/client-node";
import {
  killClusterSync,
  startCluster as startDevCluster,
  stopCluster,
} from "../../scripts/dev-cluster/cluster.ts";

export interface TestCluster {
  readonly kubeconfigPath: string;
  readonly kubeConfig: KubeConfig;
  /** The API server URL, e.g. https://127.0.0.1:40123. */
  readonly server: string;
  /** True when the cluster came from OCISYNC_TEST_KUBECONFIG (then stop() leaves it running). */
  readonly external: boolean;
  stop(): Promise<void>;
}

/** Long enough for a cold start that must first build kube-apiserver and etcd (tens of minutes on 2 cores). */
export const CLUSTER_START_TIMEOUT_MS = 60 * 60 * 1000;

export async function startCluster(): Promise<TestCluster> {
  const external = process.env["OCISYNC_TEST_KUBECONFIG"];
  if (external !== undefined && external !== "") {
    const kubeConfig = new KubeConfig();
    try {
      kubeConfig.loadFromFile(external);
    } catch (e) {
      throw new Error(`test cluster: OCISYNC_TEST_KUBECONFIG=${external} cannot be loaded`, { cause: e });
    }
    const server = kubeConfig.getCurrentCluster()?.server;
    if (server === undefined) {
      throw new Error(`test cluster: OCISYNC_TEST_KUBECONFIG=${external} has no current cluster`);
    }
    return { kubeconfigPath: external, kubeConfig, server, external: true, stop: () => Promise.resolve() };
  }
  let state;
  try {
    state = await startDevCluster({
      log: (line) => {
        process.stderr.write(`${line}\n`);
      },
    });
  } catch (e) {
    throw new Error(
      "test cluster: could not start kube-apiserver + etcd (needs Go to build them, and openssl); " +
        "or set OCISYNC_TEST_KUBECONFIG to an existing cluster's kubeconfig",
      { cause: e },
    );
  }
  const started = state;
  // If the test process dies without running after(), do not leave the servers behind.
  const onExit = (): void => {
    killClusterSync(started);
  };
  process.once("exit", onExit);
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(started.kubeconfigPath);
  return {
    kubeconfigPath: started.kubeconfigPath,
    kubeConfig,
    server: started.server,
    external: false,
    stop: async () => {
      process.off("exit", onExit);
      await stopCluster(started);
    },
  };
}

/** One cluster per suite: started in before(), stopped in after(). Call the returned function inside tests. */
export function useCluster(): () => TestCluster {
  let cluster: TestCluster | undefined;
  before(
    async () => {
      cluster = await startCluster();
    },
    { timeout: CLUSTER_START_TIMEOUT_MS },
  );
  after(async () => {
    await cluster?.stop();
  });
  return () => {
    if (cluster === undefined)
      throw new Error("test cluster: not started (did the suite's before() hook fail?)");
    return cluster;
  };
}
