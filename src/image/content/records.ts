// Pull records, one JSON file per image under records/<alg>-<hex>.json, keyed by the manifest
// digest. They carry what the image engine must remember beyond the OCI layout: which references
// an image was pulled as, with which credentials (fingerprints computed by the caller, as the
// kubelet's KEP-2535 "ensure secret pulled images" records do, so that a cached private image is
// not handed to a pod without credentials), and whether it ever came over an insecure connection.
// https://github.com/kubernetes/enhancements/tree/master/keps/sig-node/2535-ensure-secret-pulled-images
//
// `lastUsedAt` is the file's mtime, so `touch` is one utimes(2) and needs no lock; every other
// change is a locked read-modify-write replaced atomically.

import { readdir, readFile, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, ImageError } from '../errors.ts';
import { parseStoreDigest, tryParseStoreDigest, type StoreDigest } from './digest-path.ts';
import { errorCode, unlinkIfExists, writeFileAtomic } from './fs-atomic.ts';
import type { LayoutPaths } from './layout.ts';
import { withLock } from './lock.ts';

export interface ImageRecord {
  /** Manifest digest the record is keyed by. */
  digest: string;
  /** References the image was pulled as, in order of first pull. */
  references: string[];
  /** Time of the latest pull (ISO 8601). */
  pulledAt: string;
  /** Time of the latest pull or `touch` (ISO 8601). */
  lastUsedAt: string;
  /** Manifest + config + layers, compressed, in bytes. */
  size: number;
  /** Layer digests, in manifest order. */
  layers: string[];
  /** Per reference pulled as, the set of credential fingerprints that pull succeeded with. */
  credentialFingerprints: Record<string, string[]>;
  /** Registries the image was fetched from over plain HTTP or without TLS verification. */
  insecureSources: string[];
}

export interface RecordPullOptions {
  ref: string;
  size: number;
  layers?: readonly string[];
  /** Caller-computed, e.g. "sha256:..." of the secret, or "anonymous". Never the secret itself. */
  credentialFingerprint: string;
  /** Registry hosts this pull used insecurely; added to the record's set. */
  insecureSources?: readonly string[];
  signal?: AbortSignal;
}

type StoredRecord = Omit<ImageRecord, 'lastUsedAt'>;

const RECORD_FILE = /^(sha256|sha512)-([0-9a-f]+)\.json$/;

function nonEmptyString(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '' || value.length > 4096) {
    throw new ImageError(ErrorCode.InvalidArgument, `recordPull: ${what} must be a non-empty string`);
  }
  return value;
}

function addUnique(list: string[], value: string): void {
  if (!list.includes(value)) list.push(value);
}

function isStoredRecord(value: unknown, digest: string): value is StoredRecord {
  const record = value as Partial<StoredRecord> | null;
  return (
    typeof record === 'object' &&
    record !== null &&
    record.digest === digest &&
    Array.isArray(record.references) &&
    typeof record.pulledAt === 'string' &&
    typeof record.size === 'number' &&
    Array.isArray(record.layers) &&
    typeof record.credentialFingerprints === 'object' &&
    record.credentialFingerprints !== null &&
    Array.isArray(record.insecureSources)
  );
}

export class RecordStore {
  readonly #paths: LayoutPaths;

  constructor(paths: LayoutPaths) {
    this.#paths = paths;
  }

  #file(digest: StoreDigest): string {
    return join(this.#paths.records, `${digest.algorithm}-${digest.hex}.json`);
  }

  #lock(digest: StoreDigest): string {
    return join(this.#paths.ingest, `record-${digest.algorithm}-${digest.hex}.lock`);
  }

  // A record that does not parse is treated as absent: for the credential check that fails
  // closed (no record means the image must be pulled again with the pod's own credentials).
  async #read(digest: StoreDigest): Promise<ImageRecord | undefined> {
    const file = this.#file(digest);
    let text: string;
    let mtimeMs: number;
    try {
      [text, { mtimeMs }] = await Promise.all([readFile(file, 'utf8'), stat(file)]);
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return undefined;
      throw err;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return undefined;
    }
    if (!isStoredRecord(value, digest.digest)) return undefined;
    return { ...value, lastUsedAt: new Date(mtimeMs).toISOString() };
  }

  async recordPull(digestValue: string, options: RecordPullOptions): Promise<ImageRecord> {
    const digest = parseStoreDigest(digestValue);
    const ref = nonEmptyString(options.ref, 'ref');
    const fingerprint = nonEmptyString(options.credentialFingerprint, 'credentialFingerprint');
    if (!Number.isSafeInteger(options.size) || options.size < 0) {
      throw new ImageError(ErrorCode.InvalidArgument, 'recordPull: size must be a non-negative integer');
    }
    const layers = (options.layers ?? []).map((layer) => parseStoreDigest(layer).digest);
    const insecure = (options.insecureSources ?? []).map((host) => nonEmptyString(host, 'insecureSources entry'));
    return withLock(this.#lock(digest), { signal: options.signal, what: `record ${digest.digest} lock` }, async () => {
      const previous = await this.#read(digest);
      const record: StoredRecord = {
        digest: digest.digest,
        references: previous?.references ?? [],
        pulledAt: new Date().toISOString(),
        size: options.size,
        layers: layers.length > 0 ? layers : (previous?.layers ?? []),
        credentialFingerprints: previous?.credentialFingerprints ?? {},
        insecureSources: previous?.insecureSources ?? [],
      };
      addUnique(record.references, ref);
      const fingerprints = Object.hasOwn(record.credentialFingerprints, ref) ? record.credentialFingerprints[ref] : undefined;
      if (fingerprints !== undefined) addUnique(fingerprints, fingerprint);
      // defineProperty, not assignment: a reference is caller data and "__proto__" must stay a key.
      else Object.defineProperty(record.credentialFingerprints, ref, { value: [fingerprint], enumerable: true, writable: true, configurable: true });
      for (const host of insecure) addUnique(record.insecureSources, host);
      await writeFileAtomic(this.#file(digest), `${JSON.stringify(record, null, 2)}\n`, this.#paths.ingest);
      return { ...record, lastUsedAt: record.pulledAt };
    });
  }

  /** Marks the image used now. Returns false if there is no record. */
  async touch(digestValue: string): Promise<boolean> {
    const digest = parseStoreDigest(digestValue);
    const now = new Date();
    try {
      await utimes(this.#file(digest), now, now);
      return true;
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return false;
      throw err;
    }
  }

  getRecord(digestValue: string): Promise<ImageRecord | undefined> {
    return this.#read(parseStoreDigest(digestValue));
  }

  async listRecords(): Promise<ImageRecord[]> {
    const records: ImageRecord[] = [];
    for (const name of (await readdir(this.#paths.records)).sort()) {
      const match = RECORD_FILE.exec(name);
      const digest = match === null ? undefined : tryParseStoreDigest(`${match[1]}:${match[2]}`);
      if (digest === undefined) continue;
      const record = await this.#read(digest);
      if (record !== undefined) records.push(record);
    }
    return records;
  }

  /** Digests that have a record file, valid or not (for garbage collection). */
  async recordDigests(): Promise<StoreDigest[]> {
    const digests: StoreDigest[] = [];
    for (const name of await readdir(this.#paths.records)) {
      const match = RECORD_FILE.exec(name);
      const digest = match === null ? undefined : tryParseStoreDigest(`${match[1]}:${match[2]}`);
      if (digest !== undefined) digests.push(digest);
    }
    return digests;
  }

  /**
   * Removes the record. With `unusedSince` (epoch ms), only if it was not pulled or touched
   * since then (checked under the record lock, so a concurrent pull is never lost).
   */
  async removeRecord(digestValue: string, options: { signal?: AbortSignal; unusedSince?: number } = {}): Promise<boolean> {
    const digest = parseStoreDigest(digestValue);
    return withLock(this.#lock(digest), { signal: options.signal, what: `record ${digest.digest} lock` }, async () => {
      const file = this.#file(digest);
      if (options.unusedSince !== undefined) {
        try {
          if ((await stat(file)).mtimeMs >= options.unusedSince) return false;
        } catch (err) {
          if (errorCode(err) === 'ENOENT') return false;
          throw err;
        }
      }
      return unlinkIfExists(file);
    });
  }
}
