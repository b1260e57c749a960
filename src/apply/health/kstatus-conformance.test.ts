// SPDX-License-Identifier: Apache-2.0
// Every row of ../shared/conformance/kstatus/ (cases, augment, readers) as table tests; see its README.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { suite, test } from "node:test";
import { parse, stringify } from "yaml";
import type { KubePort } from "../kube/port.ts";
import type { Unstructured } from "../object.ts";
import { readHealth } from "../wait.ts";
import { augmentConditions } from "./augment.ts";
import { healthOf, kstatusOrUnknown } from "./compute.ts";
import { aggregateStatus, podControllerStatus, type PodHealth } from "./readers.ts";
import type { HealthResult, HealthStatus } from "./types.ts";

const CORPUS = new URL("../../../../shared/conformance/kstatus/", import.meta.url);

function load<T>(file: string): T[] {
  return JSON.parse(readFileSync(new URL(file, CORPUS), "utf8")) as T[];
}

function object(text: string, fill?: Record<string, string>): Unstructured {
  let s = text;
  for (const key of Object.keys(fill ?? {})) s = s.replace(key, new Date().toISOString());
  // Go's YAML reader keeps the last of duplicate keys (README "Traps").
  return parse(s, { uniqueKeys: false }) as Unstructured;
}

interface CondExpect {
  type: string;
  status?: string;
  reason?: string;
  message?: string;
}
interface Case {
  name: string;
  evaluator: "kstatus" | "fluxJob";
  object: string;
  fill?: Record<string, string>;
  expect: {
    status: HealthStatus;
    message?: string;
    messageContains?: string;
    conditions?: CondExpect[];
    conditionsCount?: number;
    absentConditions?: string[];
  };
}

function checkResult(got: HealthResult, want: Case["expect"]): void {
  assert.equal(got.status, want.status, `status (message: ${got.message})`);
  if (want.message !== undefined) assert.equal(got.message, want.message);
  if (want.messageContains !== undefined) assert.ok(got.message.includes(want.messageContains), got.message);
  for (const c of want.conditions ?? []) {
    const match = got.conditions.find(
      (g) =>
        g.type === c.type &&
        (c.status === undefined || g.status === c.status) &&
        (c.reason === undefined || g.reason === c.reason) &&
        (c.message === undefined || g.message === c.message),
    );
    assert.ok(match, `condition ${JSON.stringify(c)} in ${JSON.stringify(got.conditions)}`);
  }
  if (want.conditionsCount !== undefined) assert.equal(got.conditions.length, want.conditionsCount);
  for (const t of want.absentConditions ?? []) {
    assert.ok(!got.conditions.some((g) => g.type === t), `no ${t} condition`);
  }
}

suite("kstatus corpus: cases.json", () => {
  for (const c of load<Case>("cases.json")) {
    test(`${c.evaluator}: ${c.name}`, () => {
      const obj = object(c.object, c.fill);
      // healthOf is what ocisync's health checks use: Flux's Job reader for batch/Job, kstatus otherwise.
      const got = c.evaluator === "fluxJob" ? healthOf(obj, Date.now()) : kstatusOrUnknown(obj, Date.now());
      checkResult(got, c.expect);
    });
  }
});

interface AugmentCase {
  name: string;
  object: string;
  withConditions: Record<string, unknown>[];
  expect: { objectConditions?: { type: string; reason: string }[]; objectYaml?: string };
}

suite("kstatus corpus: augment.json", () => {
  for (const c of load<AugmentCase>("augment.json")) {
    test(c.name, () => {
      const obj = object(c.object);
      if (c.withConditions.length > 0) {
        const status = (obj["status"] ?? {}) as Record<string, unknown>;
        status["conditions"] = structuredClone(c.withConditions);
        obj["status"] = status;
      }
      augmentConditions(obj, Date.now());
      if (c.expect.objectConditions !== undefined) {
        const got = (obj["status"] as { conditions: { type: string; reason: string }[] }).conditions.map(
          (x) => `${x.type}/${x.reason}`,
        );
        assert.deepEqual(got.sort(), c.expect.objectConditions.map((x) => `${x.type}/${x.reason}`).sort());
      }
      if (c.expect.objectYaml !== undefined) {
        const yaml = stringify(obj, { sortMapEntries: true, indentSeq: false }).trim();
        assert.equal(yaml, c.expect.objectYaml);
      }
    });
  }
});

interface ReaderCase {
  name: string;
  reader: "podController" | "lookup" | "generic" | "aggregate";
  ownStatus?: { status?: HealthStatus; message?: string; error?: string };
  pods?: { status: HealthStatus; pod?: string | null }[];
  desired?: HealthStatus;
  statuses?: HealthStatus[];
  lookup?: string;
  expect: { status?: HealthStatus; message?: string; messageComputed?: string; error?: string };
}

function own(c: ReaderCase): HealthResult | Error {
  const o = c.ownStatus ?? {};
  if (o.error !== undefined) return new Error(o.error);
  return { status: o.status ?? "Unknown", message: o.message ?? "", conditions: [] };
}

// The lookup reader needs only GET: a port whose GET finds nothing, or whose request was cancelled.
function lookupPort(cancelled: AbortController | undefined): KubePort {
  const unused = (): never => {
    throw new Error("not used by the lookup reader");
  };
  return {
    mapping: unused,
    mappingForGroupKind: unused,
    apply: unused,
    patch: unused,
    delete: unused,
    list: unused,
    get: () =>
      cancelled === undefined ? Promise.resolve(undefined) : Promise.reject(cancelled.signal.reason as Error),
  };
}

async function lookupRow(c: ReaderCase): Promise<void> {
  const ref = { group: "apps", version: "v1", kind: "Deployment", namespace: "qual", name: "test" };
  const target = { ref, mapping: { ...ref, resource: "deployments", namespaced: true } };
  if (c.expect.error !== undefined) {
    const ac = new AbortController();
    ac.abort(new DOMException("context canceled", "AbortError"));
    await assert.rejects(readHealth(lookupPort(ac), target, Date.now(), ac.signal), {
      message: c.expect.error,
    });
    return;
  }
  const got = await readHealth(lookupPort(undefined), target, Date.now());
  assert.equal(got.status, c.expect.status);
  assert.equal(got.message, c.expect.message);
}

suite("kstatus corpus: readers.json", () => {
  for (const c of load<ReaderCase>("readers.json")) {
    test(`${c.reader}: ${c.name}`, async () => {
      switch (c.reader) {
        case "podController": {
          const pods: PodHealth[] = (c.pods ?? []).map((p) => ({
            status: p.status,
            pod: p.pod === undefined || p.pod === null ? null : object(p.pod),
          }));
          const got = podControllerStatus(own(c), pods);
          assert.equal(got.status, c.expect.status);
          if (c.expect.messageComputed !== undefined) assert.equal(got.message, c.expect.messageComputed);
          return;
        }
        case "generic": {
          const o = own(c);
          assert.equal(o instanceof Error ? "Unknown" : o.status, c.expect.status);
          return;
        }
        case "aggregate":
          assert.equal(aggregateStatus(c.statuses ?? [], c.desired ?? "Current"), c.expect.status);
          return;
        case "lookup":
          await lookupRow(c);
          return;
      }
    });
  }
});
