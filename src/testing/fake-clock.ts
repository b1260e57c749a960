// SPDX-License-Identifier: Apache-2.0
import type { Clock } from "../core/index.ts";

/** A clock for tests: `sleep` returns at once, advancing time and recording the requested delay. */
export class FakeClock implements Clock {
  private t: number;
  readonly sleeps: number[] = [];

  constructor(start = Date.parse("2026-01-01T00:00:00Z")) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  advance(ms: number): void {
    this.t += ms;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted === true) return Promise.reject(signal.reason as Error);
    this.sleeps.push(ms);
    this.t += ms;
    return Promise.resolve();
  }
}
