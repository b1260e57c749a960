// SPDX-License-Identifier: Apache-2.0
// A small but real TUF repository (https://theupdateframework.github.io/specification/latest/) on loopback, for
// testing `ocisync trusted-root update`: ed25519-signed root, targets, snapshot and timestamp metadata (canonical
// JSON, as tuf-js verifies it) and one target, trusted_root.json. Targets can be tampered with after signing.
import { canonicalize } from "@tufjs/canonical-json";
import { createHash, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { LOOPBACK } from "./ports.ts";

/** A running TUF repository. */
export interface TufRepo {
  readonly url: string;
  /** The initial root.json clients must trust. */
  readonly rootJson: string;
  /** Replace a served file (e.g. `targets/trusted_root.json`) without re-signing the metadata. */
  tamper(path: string, body: string): void;
  stop(): Promise<void>;
}

const EXPIRES = "2099-01-01T00:00:00Z";

function signed(role: Record<string, unknown>, key: KeyObject, keyid: string): string {
  const sig = sign(null, Buffer.from(canonicalize(role)), key).toString("hex");
  return JSON.stringify({ signed: role, signatures: [{ keyid, sig }] });
}

/** Serves a TUF repository whose only target is `trusted_root.json` with the given content. */
export async function startTufRepo(trustedRoot: string): Promise<TufRepo> {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const raw = publicKey.export({ format: "der", type: "spki" }).subarray(-32).toString("hex");
  const key = { keytype: "ed25519", scheme: "ed25519", keyval: { public: raw } };
  const keyid = createHash("sha256").update(canonicalize(key)).digest("hex");
  const role = { keyids: [keyid], threshold: 1 };
  const base = { spec_version: "1.0.31", version: 1, expires: EXPIRES };
  const root = {
    _type: "root",
    ...base,
    consistent_snapshot: false,
    keys: { [keyid]: key },
    roles: { root: role, targets: role, snapshot: role, timestamp: role },
  };
  const target = Buffer.from(trustedRoot);
  const targets = {
    _type: "targets",
    ...base,
    targets: {
      "trusted_root.json": {
        length: target.length,
        hashes: { sha256: createHash("sha256").update(target).digest("hex") },
      },
    },
  };
  const snapshot = { _type: "snapshot", ...base, meta: { "targets.json": { version: 1 } } };
  const timestamp = { _type: "timestamp", ...base, meta: { "snapshot.json": { version: 1 } } };
  const files = new Map<string, string>([
    ["/1.root.json", signed(root, privateKey, keyid)],
    ["/root.json", signed(root, privateKey, keyid)],
    ["/targets.json", signed(targets, privateKey, keyid)],
    ["/snapshot.json", signed(snapshot, privateKey, keyid)],
    ["/timestamp.json", signed(timestamp, privateKey, keyid)],
    ["/targets/trusted_root.json", trustedRoot],
  ]);
  const server: Server = createServer((req, res) => {
    const body = files.get(req.url ?? "");
    if (body === undefined) res.writeHead(404).end();
    else res.writeHead(200, { "content-type": "application/json" }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${LOOPBACK}:${port}`,
    rootJson: files.get("/root.json") ?? "",
    tamper: (path, body) => files.set(path, body),
    stop: () => new Promise((resolve) => server.close(() => { resolve(); })),
  };
}
