// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { referencedPaths } from "./confine.ts";
import { isWithin, joinWithinRoot } from "./workdir.ts";

describe("joinWithinRoot", () => {
  const cases = [
    { path: "", want: "/r" },
    { path: ".", want: "/r" },
    { path: "./apps/web", want: "/r/apps/web" },
    { path: "/apps", want: "/r/apps" },
    { path: "apps/../web", want: "/r/web" },
  ];
  for (const c of cases) {
    test(JSON.stringify(c.path), () => {
      assert.equal(joinWithinRoot("/r", c.path), c.want);
    });
  }
  for (const path of ["..", "../x", "apps/../../x", "/../x"]) {
    test(`${path} escapes`, () => {
      assert.throws(() => joinWithinRoot("/r", path), {
        code: "PATH_ESCAPES_ROOT",
        message: `path '${path}' is outside the source root`,
      });
    });
  }
});

describe("isWithin", () => {
  const cases = [
    { parent: "/r", child: "/r", want: true },
    { parent: "/r", child: "/r/a", want: true },
    { parent: "/r", child: "/rx", want: false },
    { parent: "/r", child: "/r/..x", want: true },
    { parent: "/r", child: "/", want: false },
  ];
  for (const c of cases) {
    test(`${c.child} in ${c.parent}`, () => {
      assert.equal(isWithin(c.parent, c.child), c.want);
    });
  }
});

describe("referencedPaths", () => {
  test("every path-bearing field, no inline patches, no empty strings", () => {
    const k = {
      resources: ["a.yaml", "../base", "https://github.com/x/y"],
      bases: ["b"],
      components: ["c"],
      crds: ["crd.yaml"],
      patchesStrategicMerge: ["p.yaml", "apiVersion: v1\nkind: X\n"],
      patches: [{ path: "p2.yaml" }, { patch: "inline" }],
      patchesJson6902: [{ path: "j.yaml" }],
      replacements: [{ path: "r.yaml" }],
      configMapGenerator: [{ files: ["k=f1", "f2"], envs: ["e1"], env: "e2" }],
      secretGenerator: [{ files: [""] }],
      configurations: ["conf.yaml"],
      transformers: ["t.yaml"],
      openapi: { path: "schema.json" },
    };
    assert.deepEqual(referencedPaths(k).sort(), [
      "../base",
      "a.yaml",
      "b",
      "c",
      "conf.yaml",
      "crd.yaml",
      "e1",
      "e2",
      "f1",
      "f2",
      "https://github.com/x/y",
      "j.yaml",
      "p.yaml",
      "p2.yaml",
      "r.yaml",
      "schema.json",
      "t.yaml",
    ]);
  });
});
