// Shapes the content store reads and writes, after the OCI image spec.
// https://github.com/opencontainers/image-spec/blob/v1.1.0/descriptor.md

export type { Descriptor, Platform } from '../oci-types.ts';
export { MediaType } from '../oci-types.ts';

/** What `ContentStore.writer` is given: the digest is required, the rest is checked when present. */
export interface BlobDescriptor {
  digest: string;
  size?: number;
  mediaType?: string;
}

/** `writer()` found the blob already stored: skip the download. */
export interface ExistingBlob {
  readonly existing: true;
  readonly digest: string;
  readonly size: number;
}

export interface CommittedBlob {
  digest: string;
  size: number;
}

/** Annotation holding the reference an index.json entry is tagged as (skopeo's `oci:<dir>:<ref>`). */
export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';
