// SPDX-License-Identifier: Apache-2.0
// A local Sigstore stack for keyless tests: Fulcio (CA + CT log) and Rekor served over real HTTP on loopback, backed
// by @sigstore/mock's CA, CT log and transparency log, and the trusted_root.json that trusts exactly them.
import "reflect-metadata";
import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  fulcioHandler,
  initializeCA,
  initializeCTLog,
  initializeTLog,
  rekorHandler,
  type HandlerFn,
} from "@sigstore/mock";

/** A running stack: its URLs, the trusted root (JSON text) and a way to mint OIDC tokens. */
export interface SigstoreStack {
  readonly url: string;
  readonly trustedRootJson: string;
  /** An OIDC token as CI would get it (signed by a throwaway key); the local Fulcio certifies `sub` for `iss`. */
  identityToken(subject: string, issuer: string): string;
  stop(): Promise<void>;
}

const b64 = (b: ArrayBufferView) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64");
const b64url = (s: string) => Buffer.from(s).toString("base64url");

function keyPair() {
  return generateKeyPairSync("ec", { namedCurve: "prime256v1" });
}

function logEntry(baseUrl: string, spki: Buffer) {
  return {
    baseUrl,
    hashAlgorithm: "SHA2_256",
    publicKey: {
      rawBytes: b64(spki),
      keyDetails: "PKIX_ECDSA_P256_SHA_256",
      validFor: { start: "2020-01-01T00:00:00Z" },
    },
    logId: { keyId: b64(createHash("sha256").update(spki).digest()) },
  };
}

interface ProposedDsse {
  kind?: string;
  apiVersion?: string;
  spec?: { proposedContent?: { envelope: string; verifiers: string[] } };
}

/**
 * Real Rekor stores a `dsse` 0.0.1 entry in canonical form (envelope and payload hashes, signatures with their
 * verifiers: rekor `pkg/types/dsse/v0.0.1/entry.go` `Canonicalize`); @sigstore/mock logs the proposed content as is,
 * so this does Rekor's part before the mock log signs the entry.
 */
function canonicalDsse(body: string): string {
  const req = JSON.parse(body) as ProposedDsse;
  const pc = req.spec?.proposedContent;
  if (req.kind !== "dsse" || pc === undefined) return body;
  const env = JSON.parse(pc.envelope) as { payload: string; signatures: { sig: string }[] };
  const hex = (b: string | Buffer) => createHash("sha256").update(b).digest("hex");
  const spec = {
    envelopeHash: { algorithm: "sha256", value: hex(pc.envelope) },
    payloadHash: { algorithm: "sha256", value: hex(Buffer.from(env.payload, "base64")) },
    signatures: env.signatures.map((s, i) => ({
      signature: s.sig,
      verifier: pc.verifiers[i] ?? pc.verifiers[0] ?? "",
    })),
  };
  return JSON.stringify({ apiVersion: req.apiVersion ?? "0.0.1", kind: "dsse", spec });
}

/**
 * Fulcio takes the OIDC token in the body (`credentials.oidcIdentityToken`, as sigstore-js sends it) or as a bearer
 * token (as cosign/sigstore-go send it); the mock reads only the body, so move a bearer token there.
 */
function withBearerToken(body: string, authorization: string | undefined): string {
  const token = /^Bearer (.+)$/i.exec(authorization ?? "")?.[1];
  if (token === undefined || body === "") return body;
  const json = JSON.parse(body) as Record<string, unknown>;
  return json.credentials === undefined
    ? JSON.stringify({ ...json, credentials: { oidcIdentityToken: token } })
    : body;
}

/**
 * Real Rekor names the new entry in `ETag` and `Location` (rekor `pkg/api/entries.go`); sigstore-go (cosign) reads
 * the entry out of the response by its `ETag`. The mock sets no headers, so derive them from the body's one key.
 */
function entryHeaders(url: string, r: { statusCode: number; response: unknown }): Record<string, string> {
  if (url !== "/api/v1/log/entries" || r.statusCode !== 201 || typeof r.response !== "string") return {};
  const uuid = Object.keys(JSON.parse(r.response) as Record<string, unknown>)[0];
  return uuid === undefined ? {} : { etag: uuid, location: `/api/v1/log/entries/${uuid}` };
}

/** Starts Fulcio + Rekor on a random loopback port. */
export async function startSigstoreStack(): Promise<SigstoreStack> {
  const routes = new Map<string, HandlerFn>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const fn = req.method === "POST" ? routes.get(req.url ?? "") : undefined;
      if (fn === undefined) {
        res.writeHead(404).end();
        return;
      }
      fn(withBearerToken(Buffer.concat(chunks).toString("utf8"), req.headers.authorization)).then(
        (r) =>
          res
            .writeHead(r.statusCode, {
              "content-type": r.contentType ?? "application/json",
              ...entryHeaders(req.url ?? "", r),
            })
            .end(r.response),
        (err: unknown) => res.writeHead(500).end(String(err)),
      );
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  const oidcKey = keyPair();
  const ctKeys = keyPair();
  const ctLog = await initializeCTLog(ctKeys);
  const ca = await initializeCA(keyPair(), ctLog);
  const tlog = await initializeTLog(url, keyPair());
  const fulcio = fulcioHandler(ca, { strict: true });
  const rekor = rekorHandler(tlog, { strict: true });
  // Real Fulcio answers 200 (sigstore-go insists on it); the mock answers 201.
  routes.set(fulcio.path, async (body) => {
    const r = await fulcio.fn(body);
    return r.statusCode === 201 ? { ...r, statusCode: 200 } : r;
  });
  routes.set(rekor.path, (body) => rekor.fn(canonicalDsse(body)));
  const trustedRoot = {
    mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
    tlogs: [logEntry(url, tlog.publicKey)],
    certificateAuthorities: [
      {
        subject: { organization: "ocisync-test", commonName: "local" },
        uri: url,
        certChain: { certificates: [{ rawBytes: b64(ca.rootCertificate) }] },
        validFor: { start: "2020-01-01T00:00:00Z" },
      },
    ],
    ctlogs: [logEntry(url, ctLog.publicKey)],
    timestampAuthorities: [],
  };
  return {
    url,
    trustedRootJson: JSON.stringify(trustedRoot, null, 2),
    identityToken: (subject, issuer) => {
      const now = Math.floor(Date.now() / 1000);
      const claims = { iss: issuer, sub: subject, aud: "sigstore", iat: now, exp: now + 600 };
      // Signed by a throwaway key (the local Fulcio does not check it; cosign insists on a parseable ES256 JWT).
      const input = `${b64url(JSON.stringify({ alg: "ES256", typ: "JWT" }))}.${b64url(JSON.stringify(claims))}`;
      const sig = sign("sha256", Buffer.from(input), { key: oidcKey.privateKey, dsaEncoding: "ieee-p1363" });
      return `${input}.${sig.toString("base64url")}`;
    },
    stop: () =>
      new Promise<void>((done) => {
        server.close(() => {
          done();
        });
      }),
  };
}
