// SPDX-License-Identifier: Apache-2.0
const MiB = 1024 * 1024;

/** Caps on everything read from a remote or written from an artifact (STYLE.md §5). */
export interface Limits {
  readonly manifestBytes: number;
  readonly errorBodyBytes: number;
  readonly tokenBodyBytes: number;
  readonly tagPages: number;
  readonly tagListPageBytes: number;
  readonly referrerPages: number;
  readonly extractedBytes: number;
  readonly extractedEntries: number;
}

/** The defaults; every one can be overridden by configuration. */
export const DEFAULT_LIMITS: Limits = Object.freeze({
  manifestBytes: 4 * MiB,
  errorBodyBytes: 64 * 1024,
  tokenBodyBytes: 128 * 1024,
  tagPages: 100,
  tagListPageBytes: 16 * MiB,
  referrerPages: 20,
  extractedBytes: 256 * MiB,
  extractedEntries: 20_000,
});
