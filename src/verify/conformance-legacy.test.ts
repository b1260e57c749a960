// SPDX-License-Identifier: Apache-2.0
// Every row of ../shared/conformance/sigstore/cosign-legacy/ (real cosign `.sig` layers from containers/image)
// through ocisync's legacy path, under each policy the row's trust describes (see the corpus README).
import assert from "node:assert/strict";
import { createPublicKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { parseDigest, type Digest } from "../core/index.ts";
import { VerifyError } from "./errors.ts";
import { parsePublicKeys } from "./keys.ts";
import { parsePemCertificates, SIMPLE_SIGNING_MEDIA_TYPE, type LegacyLayer } from "./legacy.ts";
import type { VerifyPolicy } from "./policy.ts";
import { verifyCandidates, type Candidate } from "./signatures.ts";
import { parseTrustedRoot, trustedRootFromPieces, type TrustedRoot } from "./trusted-root.ts";

const CORPUS = new URL("../../../shared/conformance/sigstore/cosign-legacy/", import.meta.url);
const read = (p: string) => readFileSync(new URL(p, CORPUS));
const text = (p: string) => read(p).toString("utf8");

interface Sig {
  readonly file?: string;
}
interface Trust {
  readonly kind: "public-key" | "public-key+rekor" | "fulcio+rekor" | "pki";
  readonly keys?: string[];
  readonly rekor_keys?: string[];
  readonly key_sets_also_accepted?: string[][];
  readonly key_sets_also_rejected?: string[][];
  readonly rekor_key_sets_also_accepted?: string[][];
  readonly fulcio_ca_roots?: string;
  readonly oidc_issuer?: string;
  readonly subject_email?: string;
  readonly ca_roots?: string;
  readonly ca_intermediates?: string;
  readonly also_verifiable_with?: {
    trusted_root: string;
    identity_regex: { issuer: string; subject: string };
  };
}
interface Row {
  readonly case: string;
  readonly level: "signature" | "image" | "components" | "payload";
  readonly expect: "pass" | "fail";
  readonly variants?: { if: string; expect: "pass" | "fail" }[];
  readonly image: { manifest: string | null; manifest_digest: string | null } | null;
  readonly signatures?: Sig[];
  readonly mutation?: Record<string, unknown>;
  readonly trust: Trust;
  readonly verification_time?: string | null;
  readonly components?: {
    payload: string;
    signature_b64: string;
    certificate: string;
    chain: string;
    set: string;
  };
  readonly payload_text?: string;
  readonly signature_b64?: string;
  readonly expected_manifest_digest?: string;
}

const rows = JSON.parse(text("cases.json")) as Row[];
const PUBLIC_GOOD = parseTrustedRoot(text("../bundle-verify/trusted_root.public-good.json"), "public-good");
const MAGIC = "\0sigstore-json\n";
const exact = (s: string) => `^${s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}$`;

/** A containers/image `signature-N` file as an OCI layer; undefined for non-cosign (GPG) signatures. */
function layerOf(file: string, index: number): LegacyLayer | undefined {
  const bytes = read(file);
  if (!bytes.subarray(0, MAGIC.length).equals(Buffer.from(MAGIC))) return undefined;
  const j = JSON.parse(bytes.subarray(MAGIC.length).toString("utf8")) as {
    mimeType: string;
    payload: string;
    annotations: Record<string, string>;
  };
  return {
    mediaType: j.mimeType,
    payload: Buffer.from(j.payload, "base64"),
    annotations: j.annotations,
    source: `${file}#${String(index)}`,
  };
}

function mutate(layer: LegacyLayer, m: Record<string, unknown> | undefined): LegacyLayer {
  if (m === undefined) return layer;
  const a: Record<string, string> = { ...layer.annotations };
  let payload = layer.payload;
  if (typeof m.remove_annotation === "string") Reflect.deleteProperty(a, m.remove_annotation);
  if (m.set_annotation !== undefined) Object.assign(a, m.set_annotation);
  if (m.set_annotation_from !== undefined) {
    const f = m.set_annotation_from as { key: string; from: string };
    a[f.key] = layerOf(f.from, 0)?.annotations[f.key] ?? "";
  }
  if (m.annotations === "remove all") for (const k of Object.keys(a)) Reflect.deleteProperty(a, k);
  if (typeof m.payload_text === "string") payload = Buffer.from(m.payload_text);
  if (m.chain === "empty") Reflect.deleteProperty(a, "dev.sigstore.cosign/chain");
  return { ...layer, annotations: a, payload };
}

function candidatesOf(row: Row): {
  subject: Digest | undefined;
  candidates: Candidate[];
  original?: LegacyLayer;
} {
  if (row.level === "components" && row.components !== undefined) {
    const c = row.components;
    const payload = read(c.payload);
    const layer: LegacyLayer = {
      mediaType: SIMPLE_SIGNING_MEDIA_TYPE,
      payload,
      annotations: {
        "dev.cosignproject.cosign/signature": text(c.signature_b64).trim(),
        "dev.sigstore.cosign/certificate": text(c.certificate),
        "dev.sigstore.cosign/chain": text(c.chain),
        "dev.sigstore.cosign/bundle": text(c.set),
      },
      source: "components",
    };
    // Upstream checks these pieces without an image: the subject is the digest the payload claims.
    const claimed = (
      JSON.parse(payload.toString("utf8")) as { critical: { image: { "docker-manifest-digest": string } } }
    ).critical.image["docker-manifest-digest"];
    return {
      subject: parseDigest(claimed),
      candidates: [{ kind: "legacy", layer: mutate(layer, row.mutation) }],
      original: layer,
    };
  }
  if (row.level === "payload" && row.payload_text !== undefined) {
    const layer: LegacyLayer = {
      mediaType: SIMPLE_SIGNING_MEDIA_TYPE,
      payload: Buffer.from(row.payload_text),
      annotations: { "dev.cosignproject.cosign/signature": row.signature_b64 ?? "" },
      source: "payload",
    };
    return {
      subject: parseDigest(row.expected_manifest_digest ?? ""),
      candidates: [{ kind: "legacy", layer }],
    };
  }
  const layers = (row.signatures ?? [])
    .map((s, i) => (s.file === undefined ? undefined : layerOf(s.file, i)))
    .filter((l) => l !== undefined);
  const subjectText =
    row.level === "payload"
      ? row.expected_manifest_digest
      : row.image?.manifest === null
        ? undefined
        : row.image?.manifest_digest;
  return {
    subject: subjectText === undefined || subjectText === null ? undefined : parseDigest(subjectText),
    candidates: layers.map((l) => ({ kind: "legacy", layer: mutate(l, row.mutation) })),
    ...(layers[0] === undefined ? {} : { original: layers[0] }),
  };
}

const keysOf = (files: readonly string[]) => files.flatMap((f) => parsePublicKeys(text(f), f));

/** One way of running a row: a policy, and which of the row's `variants` describe ocisync under it. */
interface Run {
  readonly name: string;
  readonly policy: VerifyPolicy;
  readonly variants: ReadonlySet<string>;
}

function keylessTrust(row: Row, original: LegacyLayer | undefined): TrustedRoot {
  const t = row.trust;
  const caText =
    t.fulcio_ca_roots?.startsWith("value of") === true
      ? (original?.annotations["dev.sigstore.cosign/chain"] ?? "")
      : text(t.fulcio_ca_roots ?? "");
  // ocisync always checks SCTs (containers/image does not): CT keys from the public-good root, where they verify.
  const ctlogKeys = PUBLIC_GOOD.material.ctlogs.map((c) => c.publicKey);
  return trustedRootFromPieces(
    {
      certificateAuthorities: [parsePemCertificates(caText)],
      tlogKeys: (t.rekor_keys ?? []).map((k) => createPublicKey(text(k))),
      ctlogKeys,
    },
    "row",
  );
}

function runsOf(row: Row, original: LegacyLayer | undefined): Run[] {
  const t = row.trust;
  const base = new Set(["no-docker-reference-check"]);
  const forced = /\(forced\)/.test(row.verification_time ?? "")
    ? new Date((row.verification_time ?? "").slice(0, 20))
    : undefined;
  switch (t.kind) {
    case "public-key":
    case "public-key+rekor": {
      const sets = [t.keys ?? [], ...(t.key_sets_also_accepted ?? [])];
      const runs: Run[] = sets.map((s) => ({
        name: `keys [${s.join(", ")}] (Flux: tlog ignored)`,
        policy: { kind: "keys", keys: keysOf(s) },
        variants: new Set([...base, "tlog-ignored-for-keys"]),
      }));
      if (t.kind === "public-key+rekor") {
        // key_sets_also_rejected lists Rekor key sets here (the row's Rekor key is wrong).
        const rekorSets = [
          t.rekor_keys ?? [],
          ...(t.rekor_key_sets_also_accepted ?? []),
          ...(t.key_sets_also_rejected ?? []),
        ];
        for (const rs of rekorSets) {
          const tlog = trustedRootFromPieces(
            { tlogKeys: rs.map((k) => createPublicKey(text(k))) },
            "rekor keys",
          );
          runs.push({
            name: `keys + Rekor SET required with [${rs.join(", ")}] (cosign CLI)`,
            policy: { kind: "keys", keys: keysOf(t.keys ?? []), tlog },
            variants: base,
          });
        }
      }
      return runs;
    }
    case "fulcio+rekor": {
      const identities = [{ issuer: exact(t.oidc_issuer ?? ""), subject: exact(t.subject_email ?? "") }];
      const trust = keylessTrust(row, original);
      const runs: Run[] = [
        forced === undefined
          ? {
              name: "keyless, row's CA + Rekor keys",
              policy: { kind: "keyless", trust, identities },
              variants: base,
            }
          : {
              name: `keyless, chain checked at ${forced.toISOString()} (no log)`,
              policy: { kind: "keyless", trust, identities, ignoreTlog: { now: forced } },
              variants: base,
            },
      ];
      const alt = t.also_verifiable_with;
      if (alt !== undefined && forced === undefined) {
        runs.push({
          name: "keyless, public-good trusted root",
          policy: { kind: "keyless", trust: PUBLIC_GOOD, identities: [alt.identity_regex] },
          variants: new Set([...base, "fulcio-intermediates-trusted"]),
        });
      }
      return runs;
    }
    case "pki": {
      const certs = [
        ...(t.ca_intermediates === undefined ? [] : parsePemCertificates(text(t.ca_intermediates))),
        ...parsePemCertificates(text(t.ca_roots ?? "")),
      ];
      const trust = trustedRootFromPieces({ certificateAuthorities: [certs] }, "pki");
      return [
        {
          name: "bring-your-own PKI, no log (chain at now)",
          policy: {
            kind: "keyless",
            trust,
            identities: [{ issuer: "", subject: exact(t.subject_email ?? "") }],
            ignoreTlog: { now: new Date() },
          },
          variants: base,
        },
      ];
    }
  }
}

function expected(row: Row, run: Run, keySet: string): "pass" | "fail" {
  if (row.trust.key_sets_also_rejected?.some((s) => keySet.includes(`[${s.join(", ")}]`)) === true)
    return "fail";
  return row.variants?.find((v) => run.variants.has(v.if))?.expect ?? row.expect;
}

test("the corpus has its 56 rows", () => {
  assert.equal(rows.length, 56);
});

for (const row of rows) {
  const { subject, candidates, original } = candidatesOf(row);
  for (const run of runsOf(row, original)) {
    const want = expected(row, run, run.name);
    test(`cosign-legacy ${row.case} [${run.name}] → ${want}`, async () => {
      let got = "pass";
      if (subject === undefined) got = "NO_MANIFEST";
      else {
        try {
          await verifyCandidates("image", candidates, { digest: subject }, run.policy);
        } catch (err) {
          if (!(err instanceof VerifyError)) throw err;
          got = err.code;
        }
      }
      if (want === "pass") assert.equal(got, "pass");
      else assert.notEqual(got, "pass", "must be rejected");
    });
  }
}
