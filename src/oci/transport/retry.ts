// SPDX-License-Identifier: Apache-2.0
import { isCdError, type Clock } from "../../core/index.ts";

/** Jittered exponential backoff, bounded by attempts and by the caller's signal (oras-go DefaultPolicy). */
export interface RetryPolicy {
  /** Total tries including the first. */
  readonly attempts: number;
  readonly baseMs: number;
  readonly factor: number;
  readonly maxMs: number;
  /** Fraction of the delay added or removed at random. */
  readonly jitter: number;
  /** The longest `Retry-After` honoured; longer hints are clamped to this. */
  readonly maxRetryAfterMs: number;
}

/** 5 retries, 250 ms doubling to at most 3 s, ±10 % jitter; `Retry-After` honoured up to 60 s. */
export const DEFAULT_RETRY: RetryPolicy = Object.freeze({
  attempts: 6,
  baseMs: 250,
  factor: 2,
  maxMs: 3000,
  jitter: 0.1,
  maxRetryAfterMs: 60_000,
});

/** What {@link withRetry} needs besides the operation. */
export interface RetryOptions {
  readonly policy: RetryPolicy;
  readonly clock: Clock;
  readonly signal?: AbortSignal | undefined;
  readonly random?: () => number;
  readonly onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

/** The delay before retry number `attempt` (1-based), honouring a server hint when there is one. */
export function backoffDelay(
  policy: RetryPolicy,
  attempt: number,
  random: () => number,
  hintMs?: number,
): number {
  if (hintMs !== undefined) return Math.min(hintMs, policy.maxRetryAfterMs);
  const raw = Math.min(policy.maxMs, policy.baseMs * policy.factor ** (attempt - 1));
  return Math.round(raw * (1 + policy.jitter * (2 * random() - 1)));
}

function retryAfterOf(err: unknown): number | undefined {
  if (typeof err !== "object" || err === null || !("retryAfterMs" in err)) return undefined;
  return typeof err.retryAfterMs === "number" ? err.retryAfterMs : undefined;
}

/**
 * Runs `op` until it succeeds, throws a non-retryable error, the attempts run out or `signal` aborts.
 * Only errors marked `retryable` are retried; the caller decides that once, where the error is made.
 */
export async function withRetry<T>(op: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const random = opts.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await op(attempt);
    } catch (err) {
      const canRetry = isCdError(err) && err.retryable && attempt < opts.policy.attempts;
      if (!canRetry || opts.signal?.aborted === true) throw err;
      const delay = backoffDelay(opts.policy, attempt, random, retryAfterOf(err));
      opts.onRetry?.(err, attempt, delay);
      await opts.clock.sleep(delay, opts.signal);
    }
  }
}
