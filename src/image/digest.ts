// Content digests ("sha256:<hex>"). A digest names every blob and manifest and later becomes a
// file name in the content store, so validation is strict: an algorithm from a fixed list and
// exactly its number of lowercase hex characters. Nothing else (no "/", no "..", no uppercase)
// can get through, which is what makes path traversal through a digest impossible.
// Rules: https://github.com/opencontainers/image-spec/blob/v1.1.0/descriptor.md#digests

import { createHash } from 'node:crypto';
import { ErrorCode, ImageError } from './errors.ts';

/** Hex length of each registered algorithm (OCI image-spec "registered algorithms"). */
const HEX_LENGTH = { sha256: 64, sha384: 96, sha512: 128 } as const;

export type DigestAlgorithm = keyof typeof HEX_LENGTH;

export const DIGEST_ALGORITHMS: readonly DigestAlgorithm[] = Object.freeze(
  Object.keys(HEX_LENGTH) as DigestAlgorithm[],
);

export interface ParsedDigest {
  readonly algorithm: DigestAlgorithm;
  readonly hex: string;
}

// The shape the OCI grammar allows for any algorithm; used only to tell "unsupported algorithm"
// apart from "not a digest at all" in error messages.
const DIGEST_SHAPE = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/i;
const LOWER_HEX = /^[a-f0-9]+$/;
// Long inputs are cut in messages: a digest is at most 135 characters, anything longer is noise.
const MAX_QUOTED_LENGTH = 140;

function isRegistered(algorithm: string): algorithm is DigestAlgorithm {
  return Object.hasOwn(HEX_LENGTH, algorithm);
}

/** Quotes a value for an error message, cut to a readable length. */
export function quoteForMessage(value: string, max = MAX_QUOTED_LENGTH): string {
  return JSON.stringify(value.length > max ? `${value.slice(0, max)}...` : value);
}

/**
 * Says what is wrong with `text` as a digest, or returns undefined when it is valid.
 * Shared by parseDigest and the reference parser, which wrap it in their own error types.
 */
export function digestProblem(text: string): string | undefined {
  const colon = text.indexOf(':');
  if (colon <= 0 || colon === text.length - 1) {
    return 'a digest has the form "<algorithm>:<hex>", for example "sha256:" followed by 64 hex characters';
  }
  const algorithm = text.slice(0, colon);
  const hex = text.slice(colon + 1);
  if (!isRegistered(algorithm)) {
    if (!DIGEST_SHAPE.test(text)) {
      return 'a digest has the form "<algorithm>:<hex>", for example "sha256:" followed by 64 hex characters';
    }
    return `unsupported digest algorithm ${quoteForMessage(algorithm, 32)} (supported: ${DIGEST_ALGORITHMS.join(', ')})`;
  }
  const want = HEX_LENGTH[algorithm];
  if (hex.length !== want || !LOWER_HEX.test(hex)) {
    return `a ${algorithm} digest needs exactly ${want} lowercase hex characters after "${algorithm}:"`;
  }
  return undefined;
}

/** Parses and validates a digest; throws ImageError INVALID_ARGUMENT naming the problem. */
export function parseDigest(text: string): ParsedDigest {
  if (typeof text !== 'string') {
    throw new ImageError(ErrorCode.InvalidArgument, `invalid digest: expected a string, got ${typeof text}`);
  }
  const problem = digestProblem(text);
  if (problem !== undefined) {
    throw new ImageError(ErrorCode.InvalidArgument, `invalid digest ${quoteForMessage(text)}: ${problem}`);
  }
  const colon = text.indexOf(':');
  return { algorithm: text.slice(0, colon) as DigestAlgorithm, hex: text.slice(colon + 1) };
}

export function isDigest(text: unknown): text is string {
  return typeof text === 'string' && digestProblem(text) === undefined;
}

/**
 * The hex part of a valid digest. Safe to use as a file name: it holds only [a-f0-9].
 * Throws ImageError INVALID_ARGUMENT for anything that is not a valid digest.
 */
export function digestHex(digest: string): string {
  return parseDigest(digest).hex;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The "sha256:<hex>" digest of `data`. */
export function sha256Digest(data: string | Uint8Array): string {
  return `sha256:${sha256Hex(data)}`;
}
