// SPDX-License-Identifier: Apache-2.0
// Verification time and peak memory per artifact, keyed (bundle and legacy) and keyless (local Fulcio + Rekor),
// `ocisync verify` against `cosign verify` on the same artifacts in the same run (issue 6); plus the in-process
// cost of one verification through the library (discovery on the real registry included).
// The CLI runs twice: from the TypeScript sources (type stripping on every start, as in development) and compiled
// (`tsc -p tsconfig.build.json` into a private directory under .tmp/, as the published package runs).
// Run: node bench/verify.bench.ts [--runs 10] [--lib-runs 50]
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { OciClient, parseTarget } from "../src/oci/index.ts";
import { loadTrustedRoot, parsePublicKeys, verifyArtifact, type VerifyPolicy } from "../src/verify/index.ts";
import { peerPath } from "../test/support/peers.ts";
import { startRegistry } from "../test/support/registry.ts";
import { pushArtifact } from "../test/support/sigstore-fixtures.ts";
import { startSigstoreStack } from "../test/support/sigstore-local.ts";
import { compiledCli } from "./support/compiled-cli.ts";
import { measure, median, report, type Samples } from "./support/measure.ts";

const { values } = parseArgs({
  options: { runs: { type: "string", default: "10" }, "lib-runs": { type: "string", default: "50" } },
});
const runs = Number(values.runs);
const libRuns = Number(values["lib-runs"]);
const node = process.execPath;

function run(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((done, fail) => {
    execFile(cmd, args, { env }, (err, _o, stderr) => {
      if (err) fail(new Error(`${cmd} ${args.join(" ")}: ${stderr}`, { cause: err }));
      else done();
    });
  });
}

const cosign = await peerPath("cosign");
const dist = await compiledCli();
const [reg, stack] = await Promise.all([startRegistry(), startSigstoreStack()]);
const work = await mkdtemp(join(tmpdir(), "ocisync-verify-bench-"));
/** The TypeScript sources run through Node's type stripping, whatever the state of dist/ (for the start-up cost). */
const sources = join(work, "sources.mjs");
await writeFile(
  sources,
  `const { main } = await import(${JSON.stringify(pathToFileURL(resolve(import.meta.dirname, "../src/cli/main.ts")).href)});\nprocess.exitCode = await main(process.argv.slice(2));\n`,
);
const env = { ...process.env, HOME: work, COSIGN_PASSWORD: "bench" };
const client = new OciClient({ plainHttp: true });
try {
  await run(cosign, ["generate-key-pair", "--output-key-prefix", join(work, "cosign")], env);
  const root = join(work, "trusted_root.json");
  await writeFile(root, stack.trustedRootJson);
  const tokenFile = join(work, "token");
  await writeFile(
    tokenFile,
    stack.identityToken(
      "https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main",
      "https://token.actions.githubusercontent.com",
    ),
  );

  const subjects: {
    name: string;
    ref: string;
    digest: string;
    ocisync: string[];
    cosign: string[];
    policy: VerifyPolicy;
  }[] = [];
  const keyPolicy: VerifyPolicy = {
    kind: "keys",
    keys: parsePublicKeys(await readFile(join(work, "cosign.pub"), "utf8"), "cosign.pub"),
  };
  for (const format of ["bundle", "legacy"] as const) {
    const repo = client.repository(parseTarget(`oci://${reg.host}/bench/keyed-${format}`));
    const d = await pushArtifact(repo, `keyed ${format}`, "1.0.0");
    const legacy = format === "legacy" ? ["--new-bundle-format=false"] : [];
    await run(
      cosign,
      [
        "sign",
        "--key",
        join(work, "cosign.key"),
        "--tlog-upload=false",
        "--use-signing-config=false",
        ...legacy,
        "--allow-http-registry",
        "-y",
        `${repo.name}@${d.digest}`,
      ],
      env,
    );
    subjects.push({
      name: `keyed ${format}`,
      ref: `${repo.name}@${d.digest}`,
      digest: d.digest,
      ocisync: ["--key", join(work, "cosign.pub")],
      cosign: ["--key", join(work, "cosign.pub"), "--insecure-ignore-tlog", ...legacy],
      policy: keyPolicy,
    });
  }
  const keylessRepo = client.repository(parseTarget(`oci://${reg.host}/bench/keyless`));
  const kd = await pushArtifact(keylessRepo, "keyless", "1.0.0");
  await run(
    node,
    [
      dist.bin,
      "--plain-http",
      "sign",
      "--keyless",
      "--fulcio-url",
      stack.url,
      "--rekor-url",
      stack.url,
      "--identity-token",
      (await readFile(tokenFile, "utf8")).trim(),
      `oci://${keylessRepo.name}@${kd.digest}`,
    ],
    env,
  );
  const identity = [
    "--certificate-identity-regexp",
    "^https://github\\.com/acme/",
    "--certificate-oidc-issuer-regexp",
    "^https://token\\.actions\\.githubusercontent\\.com$",
  ];
  subjects.push({
    name: "keyless bundle",
    ref: `${keylessRepo.name}@${kd.digest}`,
    digest: kd.digest,
    ocisync: ["--trusted-root", root, ...identity],
    cosign: ["--trusted-root", root, ...identity],
    policy: {
      kind: "keyless",
      trust: await loadTrustedRoot(root),
      identities: [{ issuer: identity[3] ?? "", subject: identity[1] ?? "" }],
    },
  });

  console.log(`verify: ${runs} runs per command after a warm-up; cosign ${cosign}`);
  for (const s of subjects) {
    const sets: Samples[] = [
      await measure(
        `ocisync compiled (${s.name})`,
        node,
        [dist.bin, "--plain-http", "verify", ...s.ocisync, `oci://${s.ref}`],
        runs,
        env,
      ),
      await measure(
        `ocisync sources (${s.name})`,
        node,
        [sources, "--plain-http", "verify", ...s.ocisync, `oci://${s.ref}`],
        runs,
        env,
      ),
      await measure(
        `cosign verify (${s.name})`,
        cosign,
        ["verify", ...s.cosign, "--allow-http-registry", s.ref],
        runs,
        env,
      ),
    ];
    report(`verify one artifact, ${s.name}`, sets);
  }

  console.log(`\nin-process verifyArtifact (library; discovery over HTTP included), median of ${libRuns}`);
  for (const s of subjects) {
    const repo = client.repository(parseTarget(`oci://${s.ref.slice(0, s.ref.indexOf("@"))}`));
    const times: number[] = [];
    for (let i = 0; i <= libRuns; i++) {
      const t0 = performance.now();
      await verifyArtifact(repo, s.digest, s.policy);
      if (i > 0) times.push(performance.now() - t0);
    }
    console.log(`${s.name.padEnd(16)} ${median(times).toFixed(2).padStart(8)} ms`);
  }
} finally {
  await Promise.all([reg.stop(), stack.stop()]);
  await rm(work, { recursive: true, force: true });
  await dist.remove();
}
