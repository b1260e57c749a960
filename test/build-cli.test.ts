// SPDX-License-Identifier: Apache-2.0
// `ocisync build` as a process with the real kustomize: the kustomize corpus through the CLI, -o json, -f with a
// Flux Kustomization, substituteFrom files, and error exits.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, before, describe, test } from "node:test";
import { parseAllDocuments } from "yaml";
import { ocisync } from "./support/cli.ts";
import { PEER_BUILD_TIMEOUT_MS, peerPath } from "./support/peers.ts";

const CORPUS = resolve(import.meta.dirname, "../../shared/conformance/kustomize");
/** Flux-specific outcomes, explained in build-kustomize.test.ts. */
const ORIGIN_ANNOTATED = new Set(["generator-basics", "namespaced-generator"]);
const REJECTED = new Set(["transfomers-image-default-config"]);

describe("ocisync build (process, real kustomize)", () => {
  let kustomize: string;
  let work: string;
  before(
    async () => {
      kustomize = await peerPath("kustomize");
      work = await mkdtemp(join(tmpdir(), "ocisync-build-cli-"));
    },
    { timeout: PEER_BUILD_TIMEOUT_MS },
  );
  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  test("every kustomize corpus case through `ocisync build CASE --path BUILD --sort-order legacy`", async () => {
    const names = (await readdir(CORPUS, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    assert.equal(names.length, 28);
    const counts = { identical: 0, originAnnotated: 0, rejected: 0 };
    await Promise.all(
      names.map(async (name) => {
        const dir = join(CORPUS, name);
        const { build } = JSON.parse(await readFile(join(dir, "case.json"), "utf8")) as { build: string };
        const expected = await readFile(join(dir, "expected.yaml"), "utf8");
        const run = await ocisync([
          "build",
          dir,
          "--path",
          build,
          "--sort-order",
          "legacy",
          "--kustomize",
          kustomize,
        ]);
        if (REJECTED.has(name)) {
          assert.equal(run.code, 1, name);
          assert.match(
            run.stderr,
            /failed to decode Kubernetes apiVersion, kind and name from: .* \[INVALID_RESOURCE\]\n$/s,
          );
          counts.rejected++;
          return;
        }
        assert.equal(run.code, 0, `${name}: ${run.stderr}`);
        if (ORIGIN_ANNOTATED.has(name)) {
          const stripped = run.stdout
            .replace(/ {4}config\.kubernetes\.io\/origin: \|\n( {6}.*\n)+/g, "")
            .replace(/ {2}annotations:\n(?! {4})/g, "");
          assert.equal(stripped, expected, name);
          counts.originAnnotated++;
        } else {
          assert.equal(run.stdout, expected, name);
          counts.identical++;
        }
        assert.equal(run.stderr, "");
      }),
    );
    assert.deepEqual(counts, { identical: 25, originAnnotated: 2, rejected: 1 });
  });

  test("by default the output keeps resource order, as Flux (kubectl kustomize sorts Services first)", async () => {
    const dir = join(CORPUS, "small-base");
    const run = await ocisync(["build", dir, "--path", "input", "--kustomize", kustomize]);
    assert.equal(run.code, 0, run.stderr);
    const kinds = parseAllDocuments(run.stdout).map((d) => (d.toJS() as { kind: string }).kind);
    assert.deepEqual(kinds, ["Deployment", "Service"]);
  });

  test("-o json prints an array of objects", async () => {
    const dir = join(CORPUS, "small-overlay");
    const run = await ocisync([
      "-o",
      "json",
      "build",
      dir,
      "--path",
      "input/overlay",
      "--sort-order",
      "legacy",
      "--kustomize",
      kustomize,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const want = parseAllDocuments(await readFile(join(dir, "expected.yaml"), "utf8")).map(
      (d) => d.toJS() as unknown,
    );
    assert.deepEqual(JSON.parse(run.stdout), want);
  });

  test("-f applies a Flux Kustomization: spec.path relative to PATH, overlays, substituteFrom files", async () => {
    const root = join(work, "artifact");
    await mkdir(join(root, "apps/web"), { recursive: true });
    await writeFile(
      join(root, "apps/web/cm.yaml"),
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  env: ${cluster_env}\n  region: ${region:=eu}\n  token: ${token}\n",
    );
    const ks = join(work, "ks.yaml");
    await writeFile(
      ks,
      `apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata: {name: web}
spec: {url: oci://example/web, interval: 1m}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: web, namespace: flux-system}
spec:
  interval: 10m
  prune: true
  sourceRef: {kind: OCIRepository, name: web}
  path: ./apps/web
  targetNamespace: prod
  namePrefix: p-
  commonMetadata: {labels: {team: web}}
  postBuild:
    substitute: {cluster_env: production}
    substituteFrom:
    - {kind: Secret, name: web-secrets}
    - {kind: ConfigMap, name: optional-vars, optional: true}
`,
    );
    const vars = join(work, "vars.yaml");
    await writeFile(
      vars,
      `apiVersion: v1\nkind: Secret\nmetadata: {name: web-secrets, namespace: flux-system}\ndata: {token: ${Buffer.from("s3cr3t").toString("base64")}}\n` +
        // Flux reads substituteFrom objects from the Kustomization's namespace only.
        "---\napiVersion: v1\nkind: Secret\nmetadata: {name: web-secrets, namespace: other}\nstringData: {token: wrong}\n",
    );
    const run = await ocisync(["build", "artifact", "-f", ks, "--substitute-from", vars], {
      cwd: work,
      env: { OCISYNC_KUSTOMIZE: kustomize },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(
      run.stdout,
      "apiVersion: v1\ndata:\n  env: production\n  region: eu\n  token: s3cr3t\nkind: ConfigMap\nmetadata:\n  labels:\n    team: web\n  name: p-web\n  namespace: prod\n",
    );
    const missing = await ocisync(["build", "artifact", "-f", ks], {
      cwd: work,
      env: { OCISYNC_KUSTOMIZE: kustomize },
    });
    assert.equal(missing.code, 1);
    assert.equal(
      missing.stderr,
      "error: substitute from 'Secret/web-secrets' error: not found [SUBSTITUTION_FAILED]\n",
    );
  });

  test("without --kustomize or $OCISYNC_KUSTOMIZE, kustomize is found on PATH", async () => {
    const dir = join(CORPUS, "small-base");
    const run = await ocisync(["build", dir, "--path", "input", "--sort-order", "legacy"], {
      env: { PATH: `${dirname(kustomize)}:${process.env.PATH ?? ""}` },
    });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, await readFile(join(dir, "expected.yaml"), "utf8"));
  });

  test("errors: exit codes and messages", async () => {
    const root = join(work, "errs");
    await mkdir(join(root, "app"), { recursive: true });
    await writeFile(join(root, "app/kustomization.yaml"), "resources: [../../outside]\n");
    await mkdir(join(root, "plain"));
    await writeFile(
      join(root, "plain/not-ks.yaml"),
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
    );
    const cases = [
      {
        name: "escape",
        args: ["build", root, "--path", "app"],
        code: 1,
        stderr:
          "error: app/kustomization.yaml: '../../outside' is outside the source root [PATH_ESCAPES_ROOT]\n",
      },
      {
        name: "no -f file",
        args: ["build", root, "-f", join(root, "nope.yaml")],
        code: 2,
        stderr: `error: -f: cannot read ${join(root, "nope.yaml")} [INVALID_ARGUMENT]\n`,
      },
      {
        name: "-f without a Flux Kustomization",
        args: ["build", root, "-f", join(root, "plain/not-ks.yaml")],
        code: 2,
        stderr: `error: -f: ${join(root, "plain/not-ks.yaml")} must hold exactly one kustomize.toolkit.fluxcd.io Kustomization, found 0 [INVALID_ARGUMENT]\n`,
      },
      {
        name: "no kustomize",
        args: ["build", join(root, "plain"), "--kustomize", join(root, "missing")],
        code: 1,
        stderr: `error: cannot run kustomize '${join(root, "missing")}': ENOENT [KUSTOMIZE_NOT_FOUND]\n`,
      },
    ];
    for (const c of cases) {
      const run = await ocisync(
        c.args.includes("--kustomize") ? c.args : [...c.args, "--kustomize", kustomize],
      );
      assert.equal(run.code, c.code, `${c.name}: ${run.stderr}`);
      assert.equal(run.stderr, c.stderr, c.name);
      assert.equal(run.stdout, "");
    }
  });
});
