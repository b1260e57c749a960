// SPDX-License-Identifier: Apache-2.0
/** Test-only helpers: fakes for pure-logic unit tests and fixture builders. Never imported by product code. */
export { FakeClock } from "./fake-clock.ts";
export { artifactBytes } from "./artifact-fixture.ts";
export type { ArtifactFixture } from "./artifact-fixture.ts";
