// SPDX-License-Identifier: Apache-2.0
// Signing and verification against the real docker-registry (no referrers API: the tag-schema fallback is the
// path exercised): both formats verify, and every rejection of issue 6 has its own reason.
import assert from "node:assert/strict";
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { MediaType, sha256Of, type Descriptor } from "../src/core/index.ts";
import { OciClient, parseTarget, type Repository } from "../src/oci/index.ts";
import {
  VerifyError,
  keySigner,
  parsePublicKeys,
  parseTrustedRoot,
  publicKeyPem,
  signArtifact,
  signatureTag,
  verifyArtifact,
  type DiscoverOptions,
  type VerifyPolicy,
} from "../src/verify/index.ts";
import { startRegistry, type TestRegistry } from "./support/registry.ts";
import { attachBundle, corpusFile, pushArtifact, pushBundleSubject } from "./support/sigstore-fixtures.ts";

function keyPair(): { priv: KeyObject; policy: VerifyPolicy } {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  return {
    priv: privateKey,
    policy: { kind: "keys", keys: parsePublicKeys(publicKeyPem(privateKey), "test.pub") },
  };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "pass";
  } catch (err) {
    if (err instanceof VerifyError) return err.code;
    throw err;
  }
}

/** Rewrites the single layer of a `.sig` manifest (payload and/or annotations) and pushes it back under its tag. */
async function rewriteSig(
  repo: Repository,
  subject: Descriptor,
  edit: (layer: { payload: Buffer; annotations: Record<string, string> }) => void,
): Promise<void> {
  const tag = signatureTag(subject.digest);
  const m = JSON.parse(Buffer.from((await repo.fetchManifest(tag)).bytes).toString("utf8")) as {
    layers: Descriptor[];
  };
  const layer = m.layers[0];
  assert.ok(layer);
  const l = {
    payload: Buffer.from(await repo.fetchBlobBytes(layer, 65536)),
    annotations: { ...layer.annotations },
  };
  edit(l);
  const desc: Descriptor = {
    mediaType: layer.mediaType,
    digest: sha256Of(l.payload),
    size: l.payload.byteLength,
    annotations: l.annotations,
  };
  await repo.pushBlob(desc, l.payload);
  await repo.pushManifest(Buffer.from(JSON.stringify({ ...m, layers: [desc] })), MediaType.ociManifest, tag);
}

describe("signatures on the real registry", () => {
  let reg: TestRegistry;
  let client: OciClient;
  const repoOf = (name: string) => client.repository(parseTarget(`oci://${reg.host}/${name}`));
  before(async () => {
    reg = await startRegistry();
    client = new OciClient({ plainHttp: true, credentials: { get: () => Promise.resolve(undefined) } });
  });
  after(() => reg.stop());

  for (const format of ["bundle", "legacy"] as const) {
    test(`a key signature in the ${format} format verifies; another key, an unsigned artifact do not`, async () => {
      const repo = repoOf(`keyed/${format}`);
      const subject = await pushArtifact(repo, `hello ${format}`, "1.0.0");
      const { priv, policy } = keyPair();
      await signArtifact(repo, subject, keySigner(priv), {
        format,
        dockerReference: repo.name,
        now: new Date(),
      });
      const r = await verifyArtifact(repo, "1.0.0", policy);
      assert.equal(r.digest, subject.digest);
      assert.equal(r.signature.format, format);
      // Several keys: any one is enough.
      const other = keyPair();
      assert.equal(
        (
          await verifyArtifact(repo, "1.0.0", {
            kind: "keys",
            keys: [
              ...(other.policy.kind === "keys" ? other.policy.keys : []),
              ...(policy.kind === "keys" ? policy.keys : []),
            ],
          })
        ).signature.format,
        format,
      );
      assert.equal(await codeOf(verifyArtifact(repo, "1.0.0", other.policy)), "SIGNATURE_INVALID");
      await pushArtifact(repo, "unsigned", "2.0.0");
      const err = await verifyArtifact(repo, "2.0.0", policy).catch((e: unknown) => e);
      assert.ok(err instanceof VerifyError);
      assert.equal(err.code, "UNSIGNED");
      assert.match(err.message, /^no signatures found for .*\(formats found: none\)$/);
    });
  }

  test("a .sig copied from another tag is a signature over another digest", async () => {
    const repo = repoOf("keyed/copied");
    const a = await pushArtifact(repo, "a", "a");
    const b = await pushArtifact(repo, "b", "b");
    const { priv, policy } = keyPair();
    const r = await signArtifact(repo, a, keySigner(priv), {
      format: "legacy",
      dockerReference: repo.name,
      now: new Date(),
    });
    const sig = await repo.fetchManifest(r.manifest.digest);
    await repo.pushManifest(sig.bytes, MediaType.ociManifest, signatureTag(b.digest));
    const err = await verifyArtifact(repo, "b", policy).catch((e: unknown) => e);
    assert.ok(err instanceof VerifyError);
    assert.equal(err.code, "PAYLOAD_DIGEST_MISMATCH");
    assert.deepEqual(err.formatsFound, ["legacy"]);
  });

  const tamper = [
    {
      name: "tampered payload",
      want: "SIGNATURE_INVALID",
      edit: (l: { payload: Buffer; annotations: Record<string, string> }) => {
        l.payload = Buffer.from(
          l.payload.toString("utf8").replace('"optional":null', '"optional":{"x":"y"}'),
        );
      },
    },
    {
      name: "garbage signature",
      want: "MALFORMED_SIGNATURE",
      edit: (l: { annotations: Record<string, string> }) => {
        l.annotations["dev.cosignproject.cosign/signature"] = "bm90IGEgc2lnbmF0dXJl";
      },
    },
    {
      name: "truncated signature",
      want: "MALFORMED_SIGNATURE",
      edit: (l: { annotations: Record<string, string> }) => {
        l.annotations["dev.cosignproject.cosign/signature"] = (
          l.annotations["dev.cosignproject.cosign/signature"] ?? ""
        ).slice(0, 40);
      },
    },
  ];
  for (const c of tamper) {
    test(`${c.name} is rejected with ${c.want}`, async () => {
      const repo = repoOf(`keyed/${c.name.replace(/ /g, "-")}`);
      const subject = await pushArtifact(repo, c.name, "1.0.0");
      const { priv, policy } = keyPair();
      await signArtifact(repo, subject, keySigner(priv), {
        format: "legacy",
        dockerReference: repo.name,
        now: new Date(),
      });
      await rewriteSig(repo, subject, c.edit);
      assert.equal(await codeOf(verifyArtifact(repo, "1.0.0", policy)), c.want);
    });
  }

  describe("keyless: the public-good cosign bundle attached to its image", () => {
    const root = () =>
      parseTrustedRoot(corpusFile("cosign-oci-bundle/trusted_root_pgi.json").toString("utf8"), "pgi");
    const bundle = () =>
      JSON.parse(corpusFile("cosign-oci-bundle/oci-attestation.sigstore.json").toString("utf8")) as Record<
        string,
        unknown
      > & { verificationMaterial: Record<string, unknown> };
    const any = { issuer: "^https://github\\.com/login/oauth$", subject: "^cody@soyland\\.com$" };
    const policy = (over: Partial<Extract<VerifyPolicy, { kind: "keyless" }>> = {}): VerifyPolicy => ({
      kind: "keyless",
      trust: root(),
      identities: [any],
      predicateTypes: ["*"],
      ...over,
    });
    const cases: {
      name: string;
      edit?: (b: ReturnType<typeof bundle>) => void;
      policy: () => VerifyPolicy;
      want: string;
    }[] = [
      { name: "verifies (attestation predicate allowed)", policy: () => policy(), want: "pass" },
      {
        name: "is not a cosign signature under the default predicate rule",
        policy: () => policy({ predicateTypes: undefined as unknown as string[] }),
        want: "INVALID_PAYLOAD",
      },
      {
        name: "wrong issuer",
        policy: () =>
          policy({
            identities: [{ issuer: "^https://token\\.actions\\.githubusercontent\\.com$", subject: ".*" }],
          }),
        want: "ISSUER_MISMATCH",
      },
      {
        name: "wrong subject",
        policy: () => policy({ identities: [{ issuer: "github", subject: "^someone@example\\.com$" }] }),
        want: "SUBJECT_MISMATCH",
      },
      {
        name: "certificate not chaining to the trusted root",
        policy: () =>
          policy({
            trust: parseTrustedRoot(
              corpusFile("bundle-verify/intoto-with-custom-trust-root/trusted_root.json").toString("utf8"),
              "mock",
            ),
          }),
        want: "CERTIFICATE_UNTRUSTED",
      },
      {
        name: "expired certificate with no timestamp",
        edit: (b) => {
          b.verificationMaterial.tlogEntries = [];
        },
        policy: () => policy(),
        want: "TIMESTAMP_MISSING",
      },
      {
        name: "transparency-log entry that does not match",
        edit: (b) => {
          const e = (b.verificationMaterial.tlogEntries as Record<string, unknown>[])[0] ?? {};
          e.logIndex = String(Number(e.logIndex) + 1);
        },
        policy: () => policy(),
        want: "TLOG_MISMATCH",
      },
    ];
    for (const [i, c] of cases.entries()) {
      test(c.name, async () => {
        const repo = repoOf(`keyless/case-${String(i)}`);
        const subject = await pushBundleSubject(repo, "1.0.0");
        const b = bundle();
        c.edit?.(b);
        await attachBundle(repo, subject, Buffer.from(JSON.stringify(b)));
        const p = c.policy();
        const got = await codeOf(
          verifyArtifact(
            repo,
            "1.0.0",
            p.kind === "keyless" && p.predicateTypes === undefined
              ? { kind: "keyless", trust: p.trust, identities: p.identities }
              : p,
          ),
        );
        assert.equal(got, c.want);
      });
    }
  });

  test("a bundle over its size cap, and a signature manifest over its cap, are rejected unread", async () => {
    const repo = repoOf("caps/bundle");
    const subject = await pushArtifact(repo, "big", "1.0.0");
    await attachBundle(repo, subject, Buffer.alloc(1024 * 1024 + 1, 0x20));
    const { priv, policy } = keyPair();
    assert.equal(await codeOf(verifyArtifact(repo, "1.0.0", policy)), "SIGNATURE_TOO_LARGE");
    const repo2 = repoOf("caps/sig");
    const s2 = await pushArtifact(repo2, "big sig", "1.0.0");
    await signArtifact(repo2, s2, keySigner(priv), {
      format: "legacy",
      dockerReference: repo2.name,
      now: new Date(),
    });
    const small: DiscoverOptions = { limits: { manifestBytes: 256 } };
    assert.equal(await codeOf(verifyArtifact(repo2, "1.0.0", policy, small)), "SIGNATURE_TOO_LARGE");
    assert.equal(await codeOf(verifyArtifact(repo2, "1.0.0", policy)), "pass");
  });
});
