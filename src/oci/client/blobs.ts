// SPDX-License-Identifier: Apache-2.0
import { digestOf, type Descriptor } from "../../core/index.ts";
import { OciError } from "../errors.ts";
import type { BlobContent, BlobPushResult } from "../repository.ts";
import { readCapped } from "../transport/read.ts";
import { verifyStream } from "../transport/verify-stream.ts";
import { discard, type RegistrySession, type SessionRequest } from "./session.ts";

/** Upload chunk size for streamed blobs: bounded memory, each chunk replayable on retry. */
const CHUNK_BYTES = 8 * 1024 * 1024;

/** `GET` or `HEAD /v2/<repository>/blobs/<digest>`, with pull scope. */
function blobRequest(
  method: "GET" | "HEAD",
  repository: string,
  desc: Descriptor,
  expect: readonly number[],
  signal: AbortSignal | undefined,
): SessionRequest {
  return {
    method,
    url: `/v2/${repository}/blobs/${desc.digest}`,
    repository,
    actions: "pull",
    expect,
    signal,
  };
}

/** A blob as a stream checked against its descriptor while it flows (fails at the first excess byte or at the end). */
export async function getBlob(
  session: RegistrySession,
  repository: string,
  desc: Descriptor,
  signal?: AbortSignal,
): Promise<ReadableStream<Uint8Array>> {
  return session.request(blobRequest("GET", repository, desc, [200], signal), (res) => {
    if (res.body === null)
      throw new OciError({ code: "REGISTRY_ERROR", message: `blob ${desc.digest} has no body` });
    return Promise.resolve(verifyStream(res.body, desc));
  });
}

/** A small blob read whole (capped) and verified; a broken transfer is retried. */
export async function getBlobBytes(
  session: RegistrySession,
  repository: string,
  desc: Descriptor,
  cap: number,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  if (desc.size > cap)
    throw new OciError({
      code: "SIZE_EXCEEDED",
      message: `blob ${desc.digest} (${desc.size} bytes) is larger than its cap of ${cap} bytes`,
    });
  return session.request(blobRequest("GET", repository, desc, [200], signal), async (res) => {
    const bytes = await readCapped(res.body, Math.min(cap, desc.size), `blob ${desc.digest}`);
    checkBytes(bytes, desc);
    return bytes;
  });
}

/** Fails unless `bytes` are exactly what `desc` addresses. */
export function checkBytes(bytes: Uint8Array, desc: Descriptor): void {
  const got = digestOf(bytes, desc.digest);
  if (bytes.byteLength !== desc.size || got !== desc.digest) {
    throw new OciError({
      code: "DIGEST_MISMATCH",
      message: `blob ${desc.digest} does not match its content (got ${got}, ${bytes.byteLength} bytes)`,
    });
  }
}

/** True when the registry has the blob (HEAD 200). */
export async function blobExists(
  session: RegistrySession,
  repository: string,
  desc: Descriptor,
  signal?: AbortSignal,
): Promise<boolean> {
  return session.request(blobRequest("HEAD", repository, desc, [200, 404], signal), async (res) => {
    await discard(res);
    return res.status === 200;
  });
}

/**
 * Pushes a blob (https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pushing-blobs): skipped when
 * present; mounted from `mountFrom` when the registry can; otherwise a session with one monolithic PUT for bytes,
 * or PATCH chunks then a closing PUT for streams. The HEAD and POST come first, so auth is settled before any body.
 */
export async function pushBlob(
  session: RegistrySession,
  repository: string,
  desc: Descriptor,
  content: BlobContent,
  opts: { signal?: AbortSignal | undefined; mountFrom?: string | undefined } = {},
): Promise<BlobPushResult> {
  const { signal } = opts;
  if (await blobExists(session, repository, desc, signal)) return "exists";
  const mount = opts.mountFrom !== undefined && opts.mountFrom !== repository ? opts.mountFrom : undefined;
  const query =
    mount === undefined ? "" : `?mount=${encodeURIComponent(desc.digest)}&from=${encodeURIComponent(mount)}`;
  const started = await session.request(
    {
      method: "POST",
      url: `/v2/${repository}/blobs/uploads/${query}`,
      headers: { "content-length": "0" },
      repository,
      actions: "pull,push",
      expect: [201, 202],
      signal,
      ...(mount === undefined ? {} : { extraScopes: [`repository:${mount}:pull`] }),
    },
    async (res) => {
      await discard(res);
      return { status: res.status, location: res.headers.get("location") };
    },
  );
  if (started.status === 201) return "mounted";
  if (started.location === null)
    throw new OciError({
      code: "REGISTRY_ERROR",
      message: `upload to ${repository} started without a Location`,
    });
  let location = session.urlFor(started.location);
  if (content instanceof Uint8Array) {
    checkBytes(content, desc);
  } else {
    location = await uploadChunks(session, repository, location, content(), signal);
  }
  const close = new URL(location);
  close.searchParams.set("digest", desc.digest);
  await session.request(
    {
      method: "PUT",
      url: close.toString(),
      headers: { "content-type": "application/octet-stream" },
      ...(content instanceof Uint8Array ? { body: content } : {}),
      repository,
      actions: "pull,push",
      expect: [201, 204],
      signal,
    },
    discard,
  );
  return "uploaded";
}

async function uploadChunks(
  session: RegistrySession,
  repository: string,
  location: string,
  stream: ReadableStream<Uint8Array>,
  signal: AbortSignal | undefined,
): Promise<string> {
  let offset = 0;
  let next = location;
  // One chunk buffer, reused: each PATCH has finished sending it before the next chunk is read, and it is sent as
  // a stream so that fetch does not copy it. Memory stays at one chunk whatever the blob's size.
  for await (const chunk of rechunk(stream, CHUNK_BYTES, true)) {
    const end = offset + chunk.byteLength - 1;
    next = await session.request(
      {
        method: "PATCH",
        url: next,
        headers: {
          "content-type": "application/octet-stream",
          "content-range": `${offset}-${end}`,
          "content-length": String(chunk.byteLength),
        },
        body: () => bytesStream(chunk),
        repository,
        actions: "pull,push",
        expect: [202],
        signal,
      },
      async (res) => {
        await discard(res);
        const loc = res.headers.get("location");
        return loc === null ? next : session.urlFor(loc);
      },
    );
    offset = end + 1;
  }
  return next;
}

function bytesStream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(bytes);
      c.close();
    },
  });
}

/**
 * Regroups a byte stream into chunks of exactly `size` bytes (the last may be shorter). With `reuse`, every chunk
 * is a view of one buffer, valid only until the next one is requested.
 */
export async function* rechunk(
  stream: ReadableStream<Uint8Array>,
  size: number,
  reuse = false,
): AsyncGenerator<Uint8Array> {
  let buf = new Uint8Array(size);
  let fill = 0;
  for await (const part of stream) {
    let at = 0;
    while (at < part.byteLength) {
      const n = Math.min(size - fill, part.byteLength - at);
      buf.set(part.subarray(at, at + n), fill);
      fill += n;
      at += n;
      if (fill === size) {
        yield buf;
        if (!reuse) buf = new Uint8Array(size);
        fill = 0;
      }
    }
  }
  if (fill > 0) yield buf.subarray(0, fill);
}
