// SPDX-License-Identifier: Apache-2.0
import { OciError, type OciErrorCode } from "../errors.ts";
import type { HttpResponse } from "./http.ts";
import { readPrefix } from "./read.ts";
import { redactUrl } from "./redact.ts";

/** One entry of a distribution-spec error body `{"errors":[…]}`. */
export interface RegistryErrorEntry {
  readonly code: string;
  readonly message: string;
  readonly detail?: unknown;
}

/** What a {@link RegistryError} knows besides its code and message. */
export interface RegistryErrorFields {
  readonly code: OciErrorCode;
  readonly message: string;
  readonly status: number;
  readonly method: string;
  readonly url: string;
  readonly registryErrors: readonly RegistryErrorEntry[];
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
}

/**
 * A registry answered with an error status. Carries the HTTP status, method, the redacted URL and the
 * registry's own error codes (https://github.com/opencontainers/distribution-spec/blob/main/spec.md#error-codes).
 */
export class RegistryError extends OciError {
  readonly status: number;
  readonly method: string;
  readonly url: string;
  readonly registryErrors: readonly RegistryErrorEntry[];
  readonly retryAfterMs: number | undefined;

  constructor(f: RegistryErrorFields) {
    super({ code: f.code, message: f.message, retryable: f.retryable });
    this.status = f.status;
    this.method = f.method;
    this.url = f.url;
    this.registryErrors = f.registryErrors;
    this.retryAfterMs = f.retryAfterMs;
  }
}

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const RETRYABLE_CODES = new Set(["TOOMANYREQUESTS"]);

/** Maps a status and the registry's codes to an ocisync code: status first, registry codes second (STYLE §4). */
export function classify(status: number, codes: readonly string[]): OciErrorCode {
  if (status === 401) return "UNAUTHORIZED";
  if (status === 403) return "DENIED";
  if (status === 404 || codes.some((c) => c.endsWith("_UNKNOWN"))) return "NOT_FOUND";
  if (status === 429 || codes.includes("TOOMANYREQUESTS")) return "TOO_MANY_REQUESTS";
  if (codes.includes("UNAUTHORIZED")) return "UNAUTHORIZED";
  if (codes.includes("DENIED")) return "DENIED";
  if (codes.includes("UNSUPPORTED") || status === 405) return "UNSUPPORTED";
  return "REGISTRY_ERROR";
}

/** Parses `{"errors":[…]}`, tolerating anything else (2.8.2 router 404s are text/plain). */
export function parseErrorBody(text: string): RegistryErrorEntry[] {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null || !("errors" in parsed)) return [];
    const errors = parsed.errors;
    if (!Array.isArray(errors)) return [];
    return errors.flatMap((e: unknown): RegistryErrorEntry[] => {
      if (typeof e !== "object" || e === null) return [];
      const rec = e as Record<string, unknown>;
      const code = typeof rec.code === "string" ? rec.code : "";
      const message = typeof rec.message === "string" ? rec.message : "";
      return [rec.detail === undefined ? { code, message } : { code, message, detail: rec.detail }];
    });
  } catch {
    return [];
  }
}

/** Parses `Retry-After` (seconds or an HTTP date) into milliseconds from `now`. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** What the caller was doing, for the message. */
export interface RequestContext {
  readonly method: string;
  readonly url: string;
  /** "registry 127.0.0.1:5000, repository app" — what a user needs to find the problem. */
  readonly subject: string;
  readonly errorBodyCap: number;
  readonly now: number;
}

/** Turns a failed response into a {@link RegistryError}, reading at most `errorBodyCap` bytes of its body. */
export async function toRegistryError(res: HttpResponse, ctx: RequestContext): Promise<RegistryError> {
  const text = await readPrefix(res.body, ctx.errorBodyCap);
  const registryErrors = parseErrorBody(text);
  const codes = registryErrors.map((e) => e.code);
  const code = classify(res.status, codes);
  const retryAfterMs = parseRetryAfter(res.headers.get("retry-after"), ctx.now);
  const detail = registryErrors.map((e) => [e.code, e.message].filter(Boolean).join(": ")).join("; ");
  const what = code.toLowerCase().replaceAll("_", " ");
  const message = `${what}: ${ctx.method} ${redactUrl(ctx.url)} returned ${res.status}${detail ? ` (${detail})` : ""} [${ctx.subject}]`;
  const retryable = RETRYABLE_STATUS.has(res.status) || codes.some((c) => RETRYABLE_CODES.has(c));
  return new RegistryError({
    code,
    message,
    status: res.status,
    method: ctx.method,
    url: redactUrl(ctx.url),
    registryErrors,
    retryable,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}
