// SPDX-License-Identifier: Apache-2.0
import assert from "node:assert/strict";
import { test } from "node:test";
import { VerifyError } from "./errors.ts";
import {
  compileMatchers,
  matchIdentity,
  type CertificateIdentity,
  type IdentityMatcher,
} from "./identity.ts";

const id: CertificateIdentity = {
  issuer: "https://token.actions.githubusercontent.com",
  subjects: ["https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.0.0"],
};

const cases: { name: string; matchers: IdentityMatcher[]; want: string }[] = [
  { name: "empty list accepts (Flux)", matchers: [], want: "match" },
  {
    name: "anchored exact",
    matchers: [
      {
        issuer: "^https://token\\.actions\\.githubusercontent\\.com$",
        subject: "^https://github\\.com/acme/app/",
      },
    ],
    want: "match",
  },
  {
    name: "unanchored substring (Flux/cosign MatchString)",
    matchers: [{ issuer: "githubusercontent", subject: "acme/app" }],
    want: "match",
  },
  {
    name: "wrong issuer",
    matchers: [{ issuer: "^https://accounts\\.google\\.com$", subject: ".*" }],
    want: "ISSUER_MISMATCH",
  },
  {
    name: "wrong subject",
    matchers: [{ issuer: "github", subject: "^https://github\\.com/other/" }],
    want: "SUBJECT_MISMATCH",
  },
  {
    name: "issuer and subject must match in the same entry",
    matchers: [
      { issuer: "github", subject: "other" },
      { issuer: "google", subject: "acme" },
    ],
    want: "SUBJECT_MISMATCH",
  },
  {
    name: "entries are OR-ed",
    matchers: [
      { issuer: "google", subject: ".*" },
      { issuer: "github", subject: "acme" },
    ],
    want: "match",
  },
];

for (const c of cases) {
  test(`identity: ${c.name}`, () => {
    let got = "match";
    try {
      matchIdentity(id, compileMatchers(c.matchers));
    } catch (err) {
      if (!(err instanceof VerifyError)) throw err;
      got = err.code;
    }
    assert.equal(got, c.want);
  });
}

test("a regex that does not compile is INVALID_IDENTITY", () => {
  assert.throws(
    () => compileMatchers([{ issuer: "(", subject: "" }]),
    (e: unknown) => e instanceof VerifyError && e.code === "INVALID_IDENTITY",
  );
});
