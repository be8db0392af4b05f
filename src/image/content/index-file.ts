// index.json: the layout's entry point, one manifest descriptor per tagged reference (the
// `org.opencontainers.image.ref.name` annotation holds the full reference, which is how
// `skopeo copy oci:<dir>:<ref>` finds an image). Readers read without locking: the file is only
// ever replaced by rename, so it is always whole. Writers are serialized in the process (a promise
// chain) and across processes (the lock file ingest/index.lock) and write atomically.
// https://github.com/opencontainers/image-spec/blob/v1.1.0/image-layout.md#indexjson-file

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, ImageError } from '../errors.ts';
import { parseStoreDigest } from './digest-path.ts';
import { writeFileAtomic } from './fs-atomic.ts';
import type { LayoutPaths } from './layout.ts';
import { withLock } from './lock.ts';
import { MediaType, REF_NAME_ANNOTATION, type Descriptor, type Platform } from './types.ts';

export interface ImageIndexDocument {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
  annotations?: Record<string, string>;
  [field: string]: unknown;
}

export interface IndexEntry {
  /** The `org.opencontainers.image.ref.name` annotation; undefined for entries other tools wrote untagged. */
  ref: string | undefined;
  descriptor: Descriptor;
}

export interface LockedOptions {
  signal?: AbortSignal | undefined;
}

// The ref.name grammar of the image-layout spec. skopeo's oci: transport rejects names outside
// it, so a reference that does not match could be stored but never read back by OCI tools.
// https://github.com/opencontainers/image-spec/blob/v1.1.0/annotations.md#pre-defined-annotation-keys
const REF_COMPONENT = '[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*';
const REF_NAME = new RegExp(`^${REF_COMPONENT}(?:/${REF_COMPONENT})*$`);

export function validateRefName(ref: unknown): string {
  if (typeof ref !== 'string' || ref.length > 4096 || !REF_NAME.test(ref)) {
    const shown = typeof ref === 'string' ? JSON.stringify(ref.slice(0, 200)) : typeof ref;
    throw new ImageError(
      ErrorCode.InvalidArgument,
      `cannot tag ${shown}: not a valid org.opencontainers.image.ref.name (components of letters and digits joined by "-", ".", "_", ":", "@", "+" or "--", separated by "/")`,
    );
  }
  return ref;
}

/** Checks a descriptor and copies only the fields index.json keeps. */
export function cleanDescriptor(descriptor: Descriptor, platform?: Platform): Descriptor {
  parseStoreDigest(descriptor.digest);
  if (typeof descriptor.mediaType !== 'string' || descriptor.mediaType === '') {
    throw new ImageError(ErrorCode.InvalidArgument, `descriptor ${descriptor.digest}: mediaType is required`);
  }
  if (!Number.isSafeInteger(descriptor.size) || descriptor.size < 0) {
    throw new ImageError(ErrorCode.InvalidArgument, `descriptor ${descriptor.digest}: size must be a non-negative integer`);
  }
  const clean: Descriptor = { mediaType: descriptor.mediaType, digest: descriptor.digest, size: descriptor.size };
  if (descriptor.artifactType !== undefined) clean.artifactType = descriptor.artifactType;
  const chosen = platform ?? descriptor.platform;
  if (chosen !== undefined) clean.platform = structuredClone(chosen);
  return clean;
}

function parseIndex(path: string, text: string): ImageIndexDocument {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const doc = value as Partial<ImageIndexDocument> | undefined;
  if (typeof doc !== 'object' || doc === null || doc.schemaVersion !== 2 || !Array.isArray(doc.manifests)) {
    throw new ImageError(ErrorCode.InvalidArgument, `${path}: not a valid OCI image index (schemaVersion 2 with manifests)`);
  }
  return doc as ImageIndexDocument;
}

function refOf(descriptor: Descriptor): string | undefined {
  return descriptor.annotations?.[REF_NAME_ANNOTATION];
}

export class IndexFile {
  readonly #paths: LayoutPaths;
  readonly #lockPath: string;
  #local: Promise<unknown> = Promise.resolve();

  constructor(paths: LayoutPaths) {
    this.#paths = paths;
    this.#lockPath = join(paths.ingest, 'index.lock');
  }

  async read(): Promise<ImageIndexDocument> {
    return parseIndex(this.#paths.index, await readFile(this.#paths.index, 'utf8'));
  }

  /** Runs `fn` holding the index lock (in this process and across processes). */
  locked<T>(options: LockedOptions, fn: () => Promise<T>): Promise<T> {
    const run = () => withLock(this.#lockPath, { signal: options.signal, what: 'index.json lock' }, fn);
    const result = this.#local.then(run, run);
    this.#local = result.catch(() => {});
    return result;
  }

  /**
   * Locked read-modify-write: `fn` edits the document in place and returns whether it changed
   * it; the file is rewritten only then.
   */
  update(options: LockedOptions, fn: (doc: ImageIndexDocument) => Promise<boolean> | boolean): Promise<boolean> {
    return this.locked(options, async () => {
      const doc = await this.read();
      if (!(await fn(doc))) return false;
      doc.mediaType ??= MediaType.OciIndex;
      await writeFileAtomic(this.#paths.index, `${JSON.stringify(doc)}\n`, this.#paths.ingest);
      return true;
    });
  }

  async resolve(ref: string): Promise<Descriptor | undefined> {
    const doc = await this.read();
    const found = doc.manifests.find((entry) => refOf(entry) === ref);
    return found === undefined ? undefined : structuredClone(found);
  }

  async list(): Promise<IndexEntry[]> {
    const doc = await this.read();
    return doc.manifests.map((descriptor) => ({ ref: refOf(descriptor), descriptor: structuredClone(descriptor) }));
  }
}

/** The index.json entry for `ref`: the descriptor plus the annotations, ref.name last so it wins. */
export function taggedEntry(ref: string, descriptor: Descriptor, annotations?: Record<string, string>): Descriptor {
  const entry = cleanDescriptor(descriptor);
  for (const [key, value] of Object.entries(annotations ?? {})) {
    if (typeof value !== 'string') {
      throw new ImageError(ErrorCode.InvalidArgument, `cannot tag ${ref}: annotation ${JSON.stringify(key)} must be a string`);
    }
  }
  entry.annotations = { ...annotations, [REF_NAME_ANNOTATION]: ref };
  return entry;
}

/** Replaces the entry for `ref` in place (keeping its position) or appends it. */
export function putEntry(doc: ImageIndexDocument, ref: string, entry: Descriptor): void {
  const kept = doc.manifests.filter((existing) => refOf(existing) !== ref);
  const position = doc.manifests.findIndex((existing) => refOf(existing) === ref);
  if (position < 0) kept.push(entry);
  else kept.splice(position, 0, entry);
  doc.manifests = kept;
}

export function removeEntry(doc: ImageIndexDocument, ref: string): boolean {
  const kept = doc.manifests.filter((existing) => refOf(existing) !== ref);
  const changed = kept.length !== doc.manifests.length;
  doc.manifests = kept;
  return changed;
}
