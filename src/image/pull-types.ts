// What a pull needs from its collaborators. The content store and snapshot store implement
// these; the pull owns the interfaces so that it asks for no more than it uses.
import type { Descriptor, Platform } from './registry/manifest.ts';

export interface BlobWriter {
  readonly existing?: false;
  readonly offset: number;
  write(chunk: Uint8Array): Promise<void>;
  commit(): Promise<unknown>;
  abort(): Promise<void>;
  /** The bytes as they are written; ends once committed (verified), throws on abort. */
  follow?(): AsyncIterable<Uint8Array>;
}

export interface PullStore {
  /** Start background helpers (a hashing worker) for a download of this size, before it starts. */
  warmUp?(download: { bytes: number }): void;
  has(digest: string): Promise<boolean>;
  readBlob(digest: string, options?: { maxBytes?: number }): Promise<Buffer>;
  writeBlob(bytes: Uint8Array, options: { digest?: string; mediaType?: string }): Promise<unknown>;
  writer(desc: { digest: string; size?: number; mediaType?: string }, options?: { signal?: AbortSignal }): Promise<BlobWriter | { existing: true }>;
  blobPath(digest: string): string;
  tag(ref: string, descriptor: Descriptor, annotations?: Record<string, string>): Promise<void>;
  resolve(ref: string): Promise<(Descriptor & { annotations?: Record<string, string> }) | undefined>;
  recordPull(digest: string, info: { ref: string; size: number; layers?: readonly string[]; credentialFingerprint: string; insecureSources?: readonly string[] }): Promise<unknown>;
  touch(digest: string): Promise<unknown>;
  getRecord(digest: string): Promise<{ credentialFingerprints: Record<string, string[]>; insecureSources: string[] } | undefined>;
}

export interface LayerUnpackRequest {
  blobPath: string;
  mediaType: string;
  diffId: string;
  layerDigest: string;
  chainId: string;
  parentChainId?: string | undefined;
  signal?: AbortSignal | undefined;
  /** The blob's bytes while it downloads; ends once verified, throws if the download fails. */
  source?: AsyncIterable<Uint8Array> | undefined;
  size?: number | undefined;
}

export interface PullSnapshots {
  has(chainId: string): Promise<boolean> | boolean;
  unpackLayer(req: LayerUnpackRequest): Promise<unknown>;
  lowerDirs(chainId: string): Promise<string[]> | string[];
  /** Start the unpack workers these layers will need (no layers: one), so their start-up overlaps the download. */
  warmUp?(layers?: readonly { size: number }[]): void;
}

export type PullEvent =
  | { type: 'resolved'; reference: string; digest: string; platform?: Platform }
  | { type: 'layer'; digest: string; status: LayerStatus; bytes: number; total: number }
  | { type: 'done'; reference: string; digest: string; cached: boolean };

export type LayerStatus =
  | 'Waiting'
  | 'Downloading'
  | 'Verifying'
  | 'Download complete'
  | 'Already exists'
  | 'Extracting'
  | 'Pull complete';
