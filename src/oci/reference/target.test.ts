// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Digest } from "../../core/index.ts";
import { InvalidReferenceError } from "./reference-error.ts";
import type { Reference, Target } from "./target.ts";
import { formatReference, formatTarget, parseReference, parseTarget, registryHost } from "./target.ts";

const HEX = "a".repeat(64);
const D256 = `sha256:${HEX}` as Digest;
const D512 = `sha512:${"b".repeat(128)}` as Digest;

const references: { name: string; input: string; want: Reference; formatted: string }[] = [
  {
    name: "familiar name goes to Docker Hub library/, no default tag",
    input: "nginx",
    want: { registry: "docker.io", repository: "library/nginx" },
    formatted: "docker.io/library/nginx",
  },
  {
    name: "Hub user repo with tag",
    input: "acme/app:1.4.0",
    want: { registry: "docker.io", repository: "acme/app", tag: "1.4.0" },
    formatted: "docker.io/acme/app:1.4.0",
  },
  {
    name: "index.docker.io folds to docker.io",
    input: "index.docker.io/nginx",
    want: { registry: "docker.io", repository: "library/nginx" },
    formatted: "docker.io/library/nginx",
  },
  {
    name: "Flux oci:// URL",
    input: "oci://ghcr.io/acme/app:1.4.0",
    want: { registry: "ghcr.io", repository: "acme/app", tag: "1.4.0" },
    formatted: "ghcr.io/acme/app:1.4.0",
  },
  {
    name: "IP and port with tag and digest",
    input: `oci://127.0.0.1:5000/a/b:v1@${D256}`,
    want: { registry: "127.0.0.1:5000", repository: "a/b", tag: "v1", digest: D256 },
    formatted: `127.0.0.1:5000/a/b:v1@${D256}`,
  },
  {
    name: "sha512 digest",
    input: `localhost/app@${D512}`,
    want: { registry: "localhost", repository: "app", digest: D512 },
    formatted: `localhost/app@${D512}`,
  },
  {
    name: "IPv6 with port",
    input: "[::1]:5000/app",
    want: { registry: "[::1]:5000", repository: "app" },
    formatted: "[::1]:5000/app",
  },
];

for (const c of references) {
  test(`parseReference: ${c.name}`, () => {
    const ref = parseReference(c.input);
    assert.deepEqual(ref, c.want);
    assert.equal(formatReference(ref), c.formatted);
    assert.deepEqual(parseReference(formatReference(ref)), ref);
  });
}

const badReferences: { name: string; input: string; reason: string; message: string }[] = [
  {
    name: "upper case in the path",
    input: "acme/App",
    reason: "repository name must be lowercase",
    message: 'invalid reference "acme/App": repository name must be lowercase',
  },
  {
    name: "empty after oci://",
    input: "oci://",
    reason: "repository name must have at least one component",
    message: 'invalid reference "oci://": repository name must have at least one component',
  },
  {
    name: "other URL scheme",
    input: "https://ghcr.io/acme/app",
    reason: "invalid reference format",
    message:
      'invalid reference "https://ghcr.io/acme/app": invalid reference format: the scheme https:// is not supported; write oci://HOST/REPOSITORY[:TAG][@DIGEST] or HOST/REPOSITORY…',
  },
  {
    name: "bad tag",
    input: "ghcr.io/acme/app:-1",
    reason: "invalid reference format",
    message:
      'invalid reference "ghcr.io/acme/app:-1": invalid reference format: tag "-1" must be 1 to 128 of [A-Za-z0-9_.-] and not start with "." or "-"',
  },
  {
    name: "bad path component",
    input: "oci://ghcr.io/acme/-app",
    reason: "invalid reference format",
    message:
      'invalid reference "oci://ghcr.io/acme/-app": invalid reference format: path component "-app" must be lowercase letters and digits joined by ".", "_", "__" or "-"',
  },
  {
    name: "empty path component",
    input: "ghcr.io/acme//app",
    reason: "invalid reference format",
    message:
      'invalid reference "ghcr.io/acme//app": invalid reference format: the repository path has an empty component ("//" or a trailing "/")',
  },
  {
    name: "short digest",
    input: "ghcr.io/acme/app@sha256:abc",
    reason: "invalid reference format",
    message:
      'invalid reference "ghcr.io/acme/app@sha256:abc": invalid reference format: digest "sha256:abc" must be ALGORITHM:HEX with at least 32 hex digits',
  },
  {
    name: "wrong digest length",
    input: `ghcr.io/acme/app@sha256:${"a".repeat(40)}`,
    reason: "invalid checksum digest length",
    message: `invalid reference "ghcr.io/acme/app@sha256:${"a".repeat(40)}": invalid checksum digest length: expected sha256:<64 lowercase hex digits> or sha512:<128 lowercase hex digits>`,
  },
  {
    name: "upper-case digest hex",
    input: `ghcr.io/acme/app@sha256:${"A".repeat(64)}`,
    reason: "invalid checksum digest format",
    message: `invalid reference "ghcr.io/acme/app@sha256:${"A".repeat(64)}": invalid checksum digest format: expected sha256:<64 lowercase hex digits> or sha512:<128 lowercase hex digits>`,
  },
  {
    name: "image ID",
    input: HEX,
    reason: "cannot specify 64-byte hexadecimal strings",
    message: `invalid reference "${HEX}": cannot specify 64-byte hexadecimal strings: that is an image ID; prefix it with sha256: to pull by digest`,
  },
];

for (const c of badReferences) {
  test(`parseReference rejects: ${c.name}`, () => {
    assert.throws(
      () => parseReference(c.input),
      (err: unknown) => {
        assert.ok(err instanceof InvalidReferenceError);
        assert.equal(err.code, "INVALID_REFERENCE");
        assert.equal(err.reason, c.reason);
        assert.equal(err.input, c.input);
        assert.equal(err.message, c.message);
        return true;
      },
    );
  });
}

const hosts = [
  { input: "docker.io", want: "registry-1.docker.io" },
  { input: "ghcr.io", want: "ghcr.io" },
  { input: "127.0.0.1:5000", want: "127.0.0.1:5000" },
  { input: "registry-1.docker.io", want: "registry-1.docker.io" },
];
for (const c of hosts) {
  test(`registryHost(${c.input})`, () => {
    assert.equal(registryHost(c.input), c.want);
  });
}

const targets: { name: string; input: string; want: Target; formatted: string }[] = [
  {
    name: "oci:// registry",
    input: "oci://ghcr.io/acme/app:1.0",
    want: { kind: "registry", ref: { registry: "ghcr.io", repository: "acme/app", tag: "1.0" } },
    formatted: "oci://ghcr.io/acme/app:1.0",
  },
  {
    name: "bare registry reference",
    input: "localhost:5000/app",
    want: { kind: "registry", ref: { registry: "localhost:5000", repository: "app" } },
    formatted: "oci://localhost:5000/app",
  },
  {
    name: "relative layout",
    input: "oci-layout://out",
    want: { kind: "layout", dir: "out" },
    formatted: "oci-layout://out",
  },
  {
    name: "absolute layout with tag",
    input: "oci-layout:///tmp/x/layout:v1.2",
    want: { kind: "layout", dir: "/tmp/x/layout", tag: "v1.2" },
    formatted: "oci-layout:///tmp/x/layout:v1.2",
  },
  {
    name: "layout with digest",
    input: `oci-layout://./out@${D256}`,
    want: { kind: "layout", dir: "./out", digest: D256 },
    formatted: `oci-layout://./out@${D256}`,
  },
  {
    name: "colon and at in an earlier segment need nothing",
    input: "oci-layout://C:/a@b/layout:latest",
    want: { kind: "layout", dir: "C:/a@b/layout", tag: "latest" },
    formatted: "oci-layout://C:/a@b/layout:latest",
  },
  {
    name: "colon in the last segment: trailing slash",
    input: "oci-layout://./a:b/",
    want: { kind: "layout", dir: "./a:b/" },
    formatted: "oci-layout://./a:b/",
  },
  {
    name: "colon in the last segment, then a tag",
    input: "oci-layout://./a:b/:v1",
    want: { kind: "layout", dir: "./a:b/", tag: "v1" },
    formatted: "oci-layout://./a:b/:v1",
  },
];

for (const c of targets) {
  test(`parseTarget: ${c.name}`, () => {
    const t = parseTarget(c.input);
    assert.deepEqual(t, c.want);
    assert.equal(formatTarget(t), c.formatted);
    assert.deepEqual(parseTarget(formatTarget(t)), t);
  });
}

test("formatTarget adds a slash when the last segment of DIR has a colon", () => {
  const t: Target = { kind: "layout", dir: "a:b", tag: "v1" };
  assert.equal(formatTarget(t), "oci-layout://a:b/:v1");
  assert.deepEqual(parseTarget(formatTarget(t)), { kind: "layout", dir: "a:b/", tag: "v1" });
});

const badTargets: { name: string; input: string; reason: string }[] = [
  { name: "no directory", input: "oci-layout://", reason: "missing layout directory" },
  { name: "only a tag", input: "oci-layout://:v1", reason: "missing layout directory" },
  { name: "tag and digest", input: `oci-layout://out:v1@${D256}`, reason: "ambiguous layout directory" },
  { name: "bad tag", input: "oci-layout://out:.v1", reason: "invalid tag format" },
  { name: "bad digest", input: "oci-layout://out@sha256:abc", reason: "invalid checksum digest length" },
  { name: "unknown algorithm", input: `oci-layout://out@md5:${HEX}`, reason: "unsupported digest algorithm" },
  {
    name: "registry side still checked",
    input: "oci://ghcr.io/Acme/app",
    reason: "repository name must be lowercase",
  },
];

for (const c of badTargets) {
  test(`parseTarget rejects: ${c.name}`, () => {
    assert.throws(
      () => parseTarget(c.input),
      (err: unknown) =>
        err instanceof InvalidReferenceError && err.reason === c.reason && err.input === c.input,
    );
  });
}
