// Private digest validation for the content store. A digest becomes a file name under blobs/, so
// only the exact shapes the store writes are accepted: a known algorithm and exactly its number
// of lowercase hex characters. Nothing else ("/", "..", uppercase, other algorithms) gets through,
// so no digest can name a path outside the store.
// https://github.com/opencontainers/image-spec/blob/v1.1.0/descriptor.md#digests

import { join } from 'node:path';
import { isDigest, parseDigest } from '../digest.ts';
import { ErrorCode, ImageError } from '../errors.ts';

// The store keeps sha256 and sha512 blobs (sha384 parses as a digest but is never stored);
// the shape of each is the shared digest grammar's (../digest.ts).
export const STORE_ALGORITHMS = ['sha256', 'sha512'] as const;

export type StoreAlgorithm = (typeof STORE_ALGORITHMS)[number];

export interface StoreDigest {
  readonly algorithm: StoreAlgorithm;
  readonly hex: string;
  /** The canonical "<algorithm>:<hex>" form. */
  readonly digest: string;
}

export function isStoreAlgorithm(value: string): value is StoreAlgorithm {
  return (STORE_ALGORITHMS as readonly string[]).includes(value);
}

/** Whether `hex` is a valid file name for a blob of `algorithm` (used when listing blobs/). */
export function isValidHex(algorithm: StoreAlgorithm, hex: string): boolean {
  return isDigest(`${algorithm}:${hex}`);
}

export function tryParseStoreDigest(value: unknown): StoreDigest | undefined {
  if (!isDigest(value)) return undefined;
  const { algorithm, hex } = parseDigest(value);
  return isStoreAlgorithm(algorithm) ? { algorithm, hex, digest: value } : undefined;
}

export function parseStoreDigest(value: unknown): StoreDigest {
  const parsed = tryParseStoreDigest(value);
  if (parsed !== undefined) return parsed;
  const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 140)) : typeof value;
  throw new ImageError(
    ErrorCode.InvalidArgument,
    `invalid digest ${shown}: the content store accepts "sha256:" + 64 or "sha512:" + 128 lowercase hex characters`,
  );
}

/** Path of a blob relative to the layout root: blobs/<algorithm>/<hex> (OCI image layout). */
export function blobRelativePath(digest: StoreDigest): string {
  return join('blobs', digest.algorithm, digest.hex);
}
