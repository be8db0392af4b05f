// Shapes the content store reads and writes, after the OCI image spec.
// https://github.com/opencontainers/image-spec/blob/v1.1.0/descriptor.md

/** https://github.com/opencontainers/image-spec/blob/v1.1.0/image-index.md#image-index-property-descriptions */
export interface Platform {
  architecture: string;
  os: string;
  'os.version'?: string;
  'os.features'?: string[];
  variant?: string;
  features?: string[];
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: Platform;
  annotations?: Record<string, string>;
  urls?: string[];
  artifactType?: string;
}

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

export const MediaType = {
  OciManifest: 'application/vnd.oci.image.manifest.v1+json',
  OciIndex: 'application/vnd.oci.image.index.v1+json',
  DockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  DockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  DockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  DockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
} as const;

/** Annotation holding the reference an index.json entry is tagged as (skopeo's `oci:<dir>:<ref>`). */
export const REF_NAME_ANNOTATION = 'org.opencontainers.image.ref.name';
