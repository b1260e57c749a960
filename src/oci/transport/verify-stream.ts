// SPDX-License-Identifier: Apache-2.0
import { createHash } from "node:crypto";
import { digestAlgorithm, type Descriptor } from "../../core/index.ts";
import { OciError } from "../errors.ts";

/**
 * Wraps a blob body so that it fails with `SIZE_EXCEEDED` the moment more bytes arrive than the descriptor
 * says, and with `DIGEST_MISMATCH` (or a short-read `SIZE_EXCEEDED`) at end of stream. Consumers must treat
 * the data as unverified until the stream ends without error (write to a temp path, then rename).
 */
export function verifyStream(body: ReadableStream<Uint8Array>, desc: Descriptor): ReadableStream<Uint8Array> {
  const hash = createHash(digestAlgorithm(desc.digest));
  let seen = 0;
  const check = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      seen += chunk.byteLength;
      if (seen > desc.size) {
        throw new OciError({
          code: "SIZE_EXCEEDED",
          message: `blob ${desc.digest} is larger than its descriptor's ${desc.size} bytes`,
        });
      }
      hash.update(chunk);
      controller.enqueue(chunk);
    },
    flush() {
      if (seen !== desc.size) {
        throw new OciError({
          code: "SIZE_EXCEEDED",
          message: `blob ${desc.digest} ended after ${seen} of ${desc.size} bytes`,
          retryable: true,
        });
      }
      const got = `${digestAlgorithm(desc.digest)}:${hash.digest("hex")}`;
      if (got !== desc.digest) {
        throw new OciError({
          code: "DIGEST_MISMATCH",
          message: `blob ${desc.digest} does not match its content (got ${got})`,
        });
      }
    },
  });
  return body.pipeThrough(check);
}
