// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ApplyError } from "./errors.ts";
import { MAX_MANIFEST_BYTES, parseManifests, readManifests } from "./manifests.ts";

const cases = [
  {
    name: "multi-document YAML, empty documents dropped",
    input:
      "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n# nothing\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: b}\n",
    want: ["ConfigMap/a", "Secret/b"],
  },
  {
    name: "a List is expanded",
    input:
      "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}\n",
    want: ["ConfigMap/a", "ConfigMap/b"],
  },
  {
    name: "timestamps stay strings",
    input: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: t}\ndata: {at: 2026-01-01T00:00:00Z}\n",
    want: ["ConfigMap/t"],
  },
];
for (const c of cases) {
  test(`parseManifests: ${c.name}`, () => {
    const got = parseManifests(c.input, "x.yaml");
    assert.deepEqual(
      got.map((o) => `${String(o["kind"])}/${(o["metadata"] as { name: string }).name}`),
      c.want,
    );
  });
}

const bad = [
  {
    name: "no kind",
    input: "apiVersion: v1\nmetadata: {name: a}\n",
    message: "x.yaml: document 1: kind is missing",
  },
  {
    name: "a scalar",
    input: "hello\n",
    message: "x.yaml: document 1: not a Kubernetes object (a mapping is needed)",
  },
];
for (const c of bad) {
  test(`parseManifests rejects ${c.name}`, () => {
    assert.throws(
      () => parseManifests(c.input, "x.yaml"),
      (e: unknown) => e instanceof ApplyError && e.code === "INVALID_OBJECT" && e.message === c.message,
    );
  });
}

test("readManifests reads files and directories (YAML and JSON, sorted by name)", async () => {
  const dir = await mkdtemp(join(tmpdir(), "ocisync-manifests-"));
  try {
    await writeFile(join(dir, "b.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n");
    await writeFile(
      join(dir, "a.json"),
      JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a" } }),
    );
    await writeFile(join(dir, "notes.txt"), "ignored");
    const got = await readManifests([dir, join(dir, "b.yaml")]);
    assert.deepEqual(
      got.map((o) => (o["metadata"] as { name: string }).name),
      ["a", "b", "b"],
    );
    await assert.rejects(
      readManifests([join(dir, "missing.yaml")]),
      (e: unknown) => e instanceof ApplyError && e.code === "MANIFEST_READ_FAILED",
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("readManifests reads `-` from the stdin provider, named <stdin>, once, within the cap", async () => {
  const doc = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: piped}\n";
  let asked: number | undefined;
  const got = await readManifests(["-"], {
    stdin: (max) => {
      asked = max;
      return Promise.resolve(doc);
    },
  });
  assert.deepEqual(
    got.map((o) => (o["metadata"] as { name: string }).name),
    ["piped"],
  );
  assert.equal(asked, MAX_MANIFEST_BYTES);
  const failed = (message: string) => (e: unknown) =>
    e instanceof ApplyError && e.code === "MANIFEST_READ_FAILED" && e.message === message;
  await assert.rejects(readManifests(["-"]), failed("<stdin>: standard input (-f -) is not available here"));
  await assert.rejects(
    readManifests(["-", "-"], { stdin: () => Promise.resolve(doc) }),
    failed("<stdin>: standard input (-f -) can be read only once"),
  );
  await assert.rejects(
    readManifests(["-"], { stdin: () => Promise.reject(new Error("input is larger than 5 bytes")) }),
    failed("<stdin>: input is larger than 5 bytes"),
  );
  await assert.rejects(
    readManifests(["-"], { stdin: (max) => Promise.resolve("#".repeat(max + 1)) }),
    failed(`<stdin>: larger than ${MAX_MANIFEST_BYTES} bytes`),
  );
  await assert.rejects(
    readManifests(["-"], { stdin: () => Promise.resolve("kind: ConfigMap\n") }),
    (e: unknown) => e instanceof ApplyError && e.message.startsWith("<stdin>: document 1: "),
  );
});
