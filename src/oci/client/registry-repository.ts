// SPDX-License-Identifier: Apache-2.0
import { sha256Of, type Descriptor, type Digest } from "../../core/index.ts";
import type { BlobContent, BlobPushResult, FetchedManifest, OpOptions, Repository } from "../repository.ts";
import { blobExists, getBlob, getBlobBytes, pushBlob } from "./blobs.ts";
import { deleteManifest, getManifest, headManifest, putManifest } from "./manifests.ts";
import { addToFallbackIndex, listReferrers, referrerLink } from "./referrers.ts";
import type { RegistrySession } from "./session.ts";
import { listTags } from "./tags.ts";

/** A repository on a registry, over the distribution API. */
export class RegistryRepository implements Repository {
  readonly name: string;
  private readonly session: RegistrySession;
  private readonly repo: string;

  constructor(session: RegistrySession, repository: string) {
    this.session = session;
    this.repo = repository;
    this.name = `${session.registry}/${repository}`;
  }

  tags(opts?: OpOptions): Promise<string[]> {
    return listTags(this.session, this.repo, opts?.signal);
  }

  resolve(reference: string, opts?: OpOptions): Promise<Descriptor> {
    return headManifest(this.session, this.repo, reference, opts?.signal);
  }

  fetchManifest(reference: string, opts?: OpOptions): Promise<FetchedManifest> {
    return getManifest(this.session, this.repo, reference, opts?.signal);
  }

  fetchBlob(desc: Descriptor, opts?: OpOptions): Promise<ReadableStream<Uint8Array>> {
    return getBlob(this.session, this.repo, desc, opts?.signal);
  }

  fetchBlobBytes(desc: Descriptor, cap: number, opts?: OpOptions): Promise<Uint8Array> {
    return getBlobBytes(this.session, this.repo, desc, cap, opts?.signal);
  }

  hasBlob(desc: Descriptor, opts?: OpOptions): Promise<boolean> {
    return blobExists(this.session, this.repo, desc, opts?.signal);
  }

  pushBlob(
    desc: Descriptor,
    content: BlobContent,
    opts?: OpOptions & { mountFrom?: string },
  ): Promise<BlobPushResult> {
    return pushBlob(this.session, this.repo, desc, content, {
      signal: opts?.signal,
      mountFrom: opts?.mountFrom,
    });
  }

  async pushManifest(
    bytes: Uint8Array,
    mediaType: string,
    tag?: string,
    opts?: OpOptions,
  ): Promise<Descriptor> {
    const reference = tag ?? sha256Of(bytes);
    const { descriptor, subjectTracked } = await putManifest(
      this.session,
      this.repo,
      bytes,
      mediaType,
      reference,
      opts?.signal,
    );
    const link = referrerLink(bytes, descriptor);
    if (link !== undefined && !subjectTracked) {
      await addToFallbackIndex(this.session, this.repo, link.subject, link.referrer, opts?.signal);
    }
    return descriptor;
  }

  referrers(digest: Digest, opts?: OpOptions & { artifactType?: string }): Promise<Descriptor[]> {
    return listReferrers(this.session, this.repo, digest, {
      artifactType: opts?.artifactType,
      signal: opts?.signal,
    });
  }

  deleteManifest(digest: Digest, opts?: OpOptions): Promise<void> {
    return deleteManifest(this.session, this.repo, digest, opts?.signal);
  }
}
