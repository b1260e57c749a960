// SPDX-License-Identifier: Apache-2.0
/** Structured log fields; names are stable (kind, namespace, name, revision, digest, ref, durationMs, code). */
export type LogFields = Readonly<Record<string, unknown>>;

/** The logging port. Library layers default to {@link NOOP_LOGGER}; `main.ts` adapts it to a real sink. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

/** A logger that drops everything (go-containerregistry's silent default). */
export const NOOP_LOGGER: Logger = Object.freeze({
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return NOOP_LOGGER;
  },
});

/** The clock port: time and cancellable sleeps, so tests never really wait. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock. */
export const SYSTEM_CLOCK: Clock = Object.freeze({
  now: () => Date.now(),
  sleep: (ms: number, signal?: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      const timer = setTimeout(done, ms);
      function done(): void {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }
      function onAbort(): void {
        clearTimeout(timer);
        reject(abortReason(signal));
      }
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
});

function abortReason(signal: AbortSignal | undefined): Error {
  const r: unknown = signal?.reason;
  return r instanceof Error ? r : new DOMException("aborted", "AbortError");
}
