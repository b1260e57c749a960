// SPDX-License-Identifier: Apache-2.0
import { LayoutRepository } from "../layout/layout-repository.ts";
import type { Target } from "../reference/index.ts";
import type { Repository } from "../repository.ts";
import { RegistryRepository } from "./registry-repository.ts";
import { RegistrySession, type ClientOptions } from "./session.ts";

/**
 * Opens repositories on registries and in OCI image layouts. Repositories on one registry share a
 * {@link RegistrySession}, so challenges are answered and tokens fetched once per registry and scope.
 */
export class OciClient {
  private readonly opts: ClientOptions;
  private readonly sessions = new Map<string, RegistrySession>();

  constructor(opts: ClientOptions = {}) {
    this.opts = opts;
  }

  /** Pings a registry (`GET /v2/`) and returns the auth scheme it asks for. */
  ping(registry: string, signal?: AbortSignal): Promise<"none" | "basic" | "bearer"> {
    return this.session(registry).ping(signal);
  }

  /** The repository a target names (its tag or digest, if any, is for the caller to use). */
  repository(target: Target): Repository {
    if (target.kind === "layout") {
      return new LayoutRepository(
        target.dir,
        this.opts.limits === undefined ? {} : { limits: this.opts.limits },
      );
    }
    return new RegistryRepository(this.session(target.ref.registry), target.ref.repository);
  }

  private session(registry: string): RegistrySession {
    let session = this.sessions.get(registry);
    if (session === undefined) {
      session = new RegistrySession(registry, this.opts);
      this.sessions.set(registry, session);
    }
    return session;
  }
}
