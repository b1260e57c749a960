// SPDX-License-Identifier: Apache-2.0
// Each pinned peer program is built (or found in the cache) and reports the pinned version.
import assert from "node:assert/strict";
import { isAbsolute } from "node:path";
import { suite, test } from "node:test";
import {
  PEER_BUILD_TIMEOUT_MS,
  getPin,
  peerNames,
  peerPath,
  versionOutput,
  versionShown,
} from "./support/peers.ts";

suite("peer programs", () => {
  test("pins name the peers the tests and benchmarks rely on", () => {
    const names = new Set(peerNames());
    for (const required of ["kube-apiserver", "etcd", "kustomize", "cosign", "flux", "oras", "crane"]) {
      assert.ok(names.has(required), `scripts/peers/pins.json has no pin for ${required}`);
    }
  });

  for (const name of peerNames()) {
    const pin = getPin(name);
    test(
      `${name} ${pin.versionArgs.join(" ")} prints ${versionShown(pin)}`,
      { timeout: PEER_BUILD_TIMEOUT_MS },
      async () => {
        const path = await peerPath(name);
        assert.ok(isAbsolute(path), path);
        const out = await versionOutput(name);
        assert.ok(
          out.includes(versionShown(pin)),
          `${name} ${pin.versionArgs.join(" ")} printed:\n${out}\nexpected it to contain ${versionShown(pin)}`,
        );
      },
    );
  }
});
