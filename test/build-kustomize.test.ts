// SPDX-License-Identifier: Apache-2.0
// The 28 cases of ../shared/conformance/kustomize built with the real kustomize (v5.8.2, pinned) and compared
// with the corpus (kubectl kustomize v5.5.0 output):
//  1. kustomize v5.8.2 itself prints the v5.5.0 output byte for byte for every case (no version drift);
//  2. src/build with `sortOrder: "legacy"` (kubectl's order) prints it byte for byte, except where Flux's own
//     behaviour differs (FLUX_* below);
//  3. src/build by default keeps kustomize's resource order as Flux does (no legacy kind ordering): the same
//     documents byte for byte, in the krusty test's order. case.json's `same_order_as_krusty_test_expectation`
//     says which 14 cases keep the corpus order.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { before, describe, test } from "node:test";
import { parseAllDocuments } from "yaml";
import { buildKustomization, parseDocuments, runKustomize } from "../src/build/index.ts";
import { isCdError } from "../src/core/index.ts";
import { PEER_BUILD_TIMEOUT_MS, peerPath } from "./support/peers.ts";

const CORPUS = resolve(import.meta.dirname, "../../shared/conformance/kustomize");
const ORIGIN = "config.kubernetes.io/origin";

/**
 * Flux's generator (fluxcd/pkg kustomize_generator.go GenerateManifest) sets `buildMetadata: [originAnnotations]`
 * on a kustomization.yaml that has no `resources` (to dodge kustomize's "kustomization.yaml is empty" error), so
 * every generated object also carries a `config.kubernetes.io/origin` annotation. Otherwise identical.
 */
const FLUX_ADDS_ORIGIN_ANNOTATIONS = new Set(["generator-basics", "namespaced-generator"]);

/**
 * kustomize-controller checks every built object for `apiVersion`, `kind` and `metadata.name` ("failed to
 * decode Kubernetes apiVersion, kind and name from: ..."); the krusty test's `random.yaml` has no apiVersion
 * (kustomize itself accepts it).
 */
const FLUX_REJECTS: Record<string, string> = {
  "transfomers-image-default-config":
    "failed to decode Kubernetes apiVersion, kind and name from: kind: randomKind",
};

interface Case {
  readonly name: string;
  readonly build: string;
  readonly sameOrder: boolean;
  readonly expected: string;
}

function cases(): Case[] {
  return readdirSync(CORPUS, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => {
      const meta = JSON.parse(readFileSync(join(CORPUS, e.name, "case.json"), "utf8")) as {
        build: string;
        same_order_as_krusty_test_expectation: boolean;
      };
      return {
        name: e.name,
        build: meta.build,
        sameOrder: meta.same_order_as_krusty_test_expectation,
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

const docTexts = (yaml: string) => parseDocuments(yaml, "output").map((d) => d.text);

describe("kustomize conformance through src/build (real kustomize)", () => {
  let kustomize: string;
  before(
    async () => {
      kustomize = await peerPath("kustomize");
    },
    { timeout: PEER_BUILD_TIMEOUT_MS },
  );

  const all = cases();
  test("corpus has 28 cases, 14 of them in the krusty test's order", () => {
    assert.equal(all.length, 28);
    assert.equal(all.filter((c) => c.sameOrder).length, 14);
  });
  for (const c of all) {
    const root = join(CORPUS, c.name);
    const build = (sortOrder: "fifo" | "legacy") =>
      buildKustomization({ root, spec: { path: c.build }, kustomizePath: kustomize, sortOrder });

    test(`${c.name}: kustomize v5.8.2 prints the corpus's v5.5.0 output`, async () => {
      assert.equal(await runKustomize(c.build, root, root, { kustomizePath: kustomize }), c.expected);
    });

    for (const order of ["legacy", "fifo"] as const) {
      test(`${c.name}: Flux build, ${order} order`, async () => {
        const rejected = FLUX_REJECTS[c.name];
        if (rejected !== undefined) {
          await assert.rejects(build(order), (err: unknown) => {
            assert.ok(isCdError(err) && err.code === "INVALID_RESOURCE", String(err));
            assert.ok(err.message.startsWith(rejected), err.message);
            return true;
          });
          return;
        }
        const got = await build(order);
        assert.equal(got.objects.length, parseAllDocuments(c.expected).length);
        if (FLUX_ADDS_ORIGIN_ANNOTATIONS.has(c.name)) {
          assert.ok(c.sameOrder);
          assert.equal(got.kustomization.action, "unchanged");
          assert.match(got.kustomization.text, /buildMetadata:\n- originAnnotations/);
          assert.deepEqual(withoutOrigin(got.yaml), withoutOrigin(c.expected));
          for (const obj of got.objects) {
            const ann = (obj.metadata as { annotations?: Record<string, string> }).annotations ?? {};
            assert.match(ann[ORIGIN] ?? "", /^configuredIn: kustomization\.yaml\n/);
          }
        } else if (order === "legacy" || c.sameOrder) {
          assert.equal(got.yaml, c.expected);
        } else {
          // Flux keeps resource order; kubectl kustomize sorts by kind. Same documents, byte for byte.
          assert.notEqual(got.yaml, c.expected);
          assert.deepEqual(docTexts(got.yaml).sort(), docTexts(c.expected).sort());
        }
      });
    }
  }
});
