// SPDX-License-Identifier: Apache-2.0
import type { Descriptor, Digest } from "../core/index.ts";

/** A manifest (or index) and the descriptor that addresses its exact bytes. */
export interface FetchedManifest {
  readonly descriptor: Descriptor;
  readonly bytes: Uint8Array;
}

/** Cancellation for one operation. */
export interface OpOptions {
  readonly signal?: AbortSignal | undefined;
}

/** Blob content to push: bytes, or a factory of fresh streams (a stream can be read once). */
export type BlobContent = Uint8Array | (() => ReadableStream<Uint8Array>);

/** How a blob reached the store. */
export type BlobPushResult = "exists" | "mounted" | "uploaded";

/**
 * One repository in a content store: a registry repository or an OCI image layout directory. Everything
 * the rest of ocisync does with registries goes through this interface (after oras-go `registry.Repository`).
 */
export interface Repository {
  /** How users name it: `127.0.0.1:5000/app` or `oci-layout://dir`. */
  readonly name: string;
  /** Every tag, across all pages, in the store's order. */
  tags(opts?: OpOptions): Promise<string[]>;
  /** Tag or digest to descriptor, without fetching the manifest when the store allows (HEAD). */
  resolve(reference: string, opts?: OpOptions): Promise<Descriptor>;
  /** Tag or digest to manifest bytes, capped and checked against the digest. */
  fetchManifest(reference: string, opts?: OpOptions): Promise<FetchedManifest>;
  /** A blob as a stream that fails on size or digest mismatch; unverified until it ends cleanly. */
  fetchBlob(desc: Descriptor, opts?: OpOptions): Promise<ReadableStream<Uint8Array>>;
  /** A small blob (config, signature payload) read whole, capped at `cap` bytes and verified. */
  fetchBlobBytes(desc: Descriptor, cap: number, opts?: OpOptions): Promise<Uint8Array>;
  /** True when the store has the blob. */
  hasBlob(desc: Descriptor, opts?: OpOptions): Promise<boolean>;
  /** Stores a blob unless present; registries may mount it from `mountFrom` (a repository on the same registry). */
  pushBlob(
    desc: Descriptor,
    content: BlobContent,
    opts?: OpOptions & { mountFrom?: string },
  ): Promise<BlobPushResult>;
  /**
   * Stores manifest bytes exactly as given, under `tag` when given. A manifest with a `subject` is also
   * recorded in the referrers tag-schema fallback index when the store keeps no referrers list itself.
   */
  pushManifest(bytes: Uint8Array, mediaType: string, tag?: string, opts?: OpOptions): Promise<Descriptor>;
  /** Manifests whose `subject` is `digest` (referrers API, or its tag-schema fallback). */
  referrers(digest: Digest, opts?: OpOptions & { artifactType?: string }): Promise<Descriptor[]>;
  /** Deletes a manifest by digest where the store allows it. */
  deleteManifest(digest: Digest, opts?: OpOptions): Promise<void>;
}
