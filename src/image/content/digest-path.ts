// Private digest validation for the content store. A digest becomes a file name under blobs/, so
// only the exact shapes the store writes are accepted: a known algorithm and exactly its number
// of lowercase hex characters. Nothing else ("/", "..", uppercase, other algorithms) gets through,
// so no digest can name a path outside the store.
// https://github.com/opencontainers/image-spec/blob/v1.1.0/descriptor.md#digests

import { join } from 'node:path';
import { ErrorCode, ImageError } from '../errors.ts';

const HEX_LENGTH = { sha256: 64, sha512: 128 } as const;

export type StoreAlgorithm = keyof typeof HEX_LENGTH;

export const STORE_ALGORITHMS: readonly StoreAlgorithm[] = ['sha256', 'sha512'];

export interface StoreDigest {
  readonly algorithm: StoreAlgorithm;
  readonly hex: string;
  /** The canonical "<algorithm>:<hex>" form. */
  readonly digest: string;
}

const LOWER_HEX = /^[0-9a-f]+$/;

export function isStoreAlgorithm(value: string): value is StoreAlgorithm {
  return Object.hasOwn(HEX_LENGTH, value);
}

/** Whether `hex` is a valid file name for a blob of `algorithm` (used when listing blobs/). */
export function isValidHex(algorithm: StoreAlgorithm, hex: string): boolean {
  return hex.length === HEX_LENGTH[algorithm] && LOWER_HEX.test(hex);
}

export function tryParseStoreDigest(value: unknown): StoreDigest | undefined {
  if (typeof value !== 'string') return undefined;
  const colon = value.indexOf(':');
  if (colon < 0) return undefined;
  const algorithm = value.slice(0, colon);
  const hex = value.slice(colon + 1);
  if (!isStoreAlgorithm(algorithm) || !isValidHex(algorithm, hex)) return undefined;
  return { algorithm, hex, digest: value };
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
