// SPDX-License-Identifier: Apache-2.0
import { OciError } from "../errors.ts";

/**
 * Reads a whole body, failing with `SIZE_EXCEEDED` as soon as more than `cap` bytes arrive (the rest is
 * cancelled, never buffered). `what` names the thing in the error ("manifest sha256:…", "tag list").
 */
export async function readCapped(
  body: ReadableStream<Uint8Array> | null,
  cap: number,
  what: string,
): Promise<Uint8Array> {
  if (body === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > cap) {
        throw new OciError({
          code: "SIZE_EXCEEDED",
          message: `${what} is larger than its cap of ${cap} bytes`,
        });
      }
      chunks.push(value);
    }
  } catch (err) {
    await reader.cancel().catch(() => undefined);
    throw err;
  } finally {
    reader.releaseLock();
  }
  return concatBytes(chunks, total);
}

/** Reads at most `cap` bytes as text and drops the rest (for error bodies, where truncation is fine). */
export async function readPrefix(body: ReadableStream<Uint8Array> | null, cap: number): Promise<string> {
  if (body === null) return "";
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = body.getReader();
  try {
    while (total < cap) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value.subarray(0, cap - total));
      total += Math.min(value.byteLength, cap - total);
    }
  } catch {
    // A broken error body is not worth a second error: keep what arrived.
  } finally {
    await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
  return new TextDecoder().decode(concatBytes(chunks, total));
}

/** Concatenates byte chunks whose total length is known. */
export function concatBytes(chunks: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
