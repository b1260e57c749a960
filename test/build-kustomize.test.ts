// SPDX-License-Identifier: Apache-2.0
// The 28 cases of ../shared/conformance/kustomize built through src/build with the real kustomize (v5.8.2,
// pinned), compared byte for byte with the corpus (kubectl kustomize v5.5.0 output). v5.8.2 prints exactly the
// v5.5.0 output for all 28 cases; the only differences come from Flux's own behaviour, recorded per case below.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { before, describe, test } from "node:test";
import { parseAllDocuments } from "yaml";
import { buildKustomization, runKustomize } from "../src/build/index.ts";
import { isCdError } from "../src/core/index.ts";
import { PEER_BUILD_TIMEOUT_MS, peerPath } from "./support/peers.ts";

const CORPUS = resolve(import.meta.dirname, "../../shared/conformance/kustomize");
const ORIGIN = "config.kubernetes.io/origin";

/**
 * Cases where a Flux build legitimately differs from plain `kustomize build`, and why. Flux's generator
 * (fluxcd/pkg kustomize_generator.go GenerateManifest) sets `buildMetadata: [originAnnotations]` on a
 * kustomization.yaml that has no `resources` (to dodge kustomize's "kustomization.yaml is empty" error), so every
 * generated object also carries a `config.kubernetes.io/origin` annotation. Otherwise identical to the corpus.
 */
const FLUX_ADDS_ORIGIN_ANNOTATIONS = new Set(["generator-basics", "namespaced-generator"]);

/**
 * Cases Flux refuses. kustomize-controller checks every built object for `apiVersion`, `kind` and
 * `metadata.name` ("failed to decode Kubernetes apiVersion, kind and name from: ..."); the krusty test's
 * `random.yaml` has no apiVersion (kustomize itself accepts it).
 */
const FLUX_REJECTS: Record<string, string> = {
  "transfomers-image-default-config":
    "failed to decode Kubernetes apiVersion, kind and name from: kind: randomKind",
};

interface Case {
  readonly name: string;
  readonly build: string;
  readonly expected: string;
}

function cases(): Case[] {
  return readdirSync(CORPUS, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => {
      const meta = JSON.parse(readFileSync(join(CORPUS, e.name, "case.json"), "utf8")) as { build: string };
      return {
        name: e.name,
        build: meta.build,
        expected: readFileSync(join(CORPUS, e.name, "expected.yaml"), "utf8"),
      };
    });
}

/** The documents with the origin annotation taken out (and `annotations` dropped when that leaves it empty). */
function withoutOrigin(yaml: string): unknown[] {
  return parseAllDocuments(yaml).map((d) => {
    const obj = d.toJS() as { metadata?: { annotations?: Record<string, string> } };
    const ann = obj.metadata?.annotations;
    if (ann && obj.metadata) {
      const rest = Object.fromEntries(Object.entries(ann).filter(([k]) => k !== ORIGIN));
      if (Object.keys(rest).length === 0) delete obj.metadata.annotations;
      else obj.metadata.annotations = rest;
    }
    return obj;
  });
}

describe("kustomize conformance through src/build (real kustomize)", () => {
  let kustomize: string;
  before(
    async () => {
      kustomize = await peerPath("kustomize");
    },
    { timeout: PEER_BUILD_TIMEOUT_MS },
  );

  const all = cases();
  test("corpus has 28 cases", () => {
    assert.equal(all.length, 28);
  });
  for (const c of all) {
    test(`${c.name}: kustomize v5.8.2 prints the corpus's v5.5.0 output`, async () => {
      const root = join(CORPUS, c.name);
      assert.equal(await runKustomize(c.build, root, root, { kustomizePath: kustomize }), c.expected);
    });
    test(`${c.name}: Flux build`, async () => {
      const root = join(CORPUS, c.name);
      const rejected = FLUX_REJECTS[c.name];
      if (rejected !== undefined) {
        await assert.rejects(
          buildKustomization({ root, spec: { path: c.build }, kustomizePath: kustomize }),
          (err: unknown) =>
            isCdError(err) && err.code === "INVALID_RESOURCE" && err.message.startsWith(rejected),
        );
        return;
      }
      const got = await buildKustomization({ root, spec: { path: c.build }, kustomizePath: kustomize });
      if (FLUX_ADDS_ORIGIN_ANNOTATIONS.has(c.name)) {
        assert.equal(got.kustomization.action, "unchanged");
        assert.match(got.kustomization.text, /buildMetadata:\n\s*- originAnnotations/);
        assert.deepEqual(withoutOrigin(got.yaml), withoutOrigin(c.expected));
        for (const obj of got.objects) {
          const ann = (obj.metadata as { annotations?: Record<string, string> }).annotations ?? {};
          assert.match(ann[ORIGIN] ?? "", /^configuredIn: kustomization\.yaml\n/);
        }
      } else {
        assert.equal(got.yaml, c.expected);
      }
      assert.equal(got.objects.length, parseAllDocuments(c.expected).length);
    });
  }
});
