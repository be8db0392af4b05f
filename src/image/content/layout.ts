// The on-disk OCI image layout: `oci-layout`, `index.json` and `blobs/<alg>/<hex>`, plus Ferry's
// private `ingest/` (temp files and locks) and `records/` beside them, which OCI tools ignore.
// https://github.com/opencontainers/image-spec/blob/v1.1.0/image-layout.md
//
// Creation is crash-safe and race-free: every file appears complete through link(2), and
// `oci-layout` is written last, so its presence means the layout is whole.

import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, ImageError } from '../errors.ts';
import { createFileExclusive, errorCode } from './fs-atomic.ts';
import { MediaType } from './types.ts';

export const IMAGE_LAYOUT_VERSION = '1.0.0';

export interface LayoutPaths {
  readonly root: string;
  readonly blobs: string;
  readonly ingest: string;
  readonly records: string;
  readonly index: string;
  readonly layoutFile: string;
}

export function layoutPaths(root: string): LayoutPaths {
  return {
    root,
    blobs: join(root, 'blobs'),
    ingest: join(root, 'ingest'),
    records: join(root, 'records'),
    index: join(root, 'index.json'),
    layoutFile: join(root, 'oci-layout'),
  };
}

// Names a half-created layout may contain; anything else means the directory is not ours.
const LAYOUT_ENTRIES = new Set(['blobs', 'index.json', 'ingest', 'records']);

const EMPTY_INDEX = `${JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [] })}\n`;

async function readLayoutVersion(paths: LayoutPaths): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(paths.layoutFile, 'utf8');
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return undefined;
    throw err;
  }
  let version: unknown;
  try {
    version = (JSON.parse(text) as { imageLayoutVersion?: unknown } | null)?.imageLayoutVersion;
  } catch {
    version = undefined;
  }
  if (typeof version !== 'string') {
    throw new ImageError(ErrorCode.InvalidArgument, `content store ${paths.root}: oci-layout is not valid JSON with an imageLayoutVersion`);
  }
  return version;
}

function checkVersion(paths: LayoutPaths, version: string): void {
  if (version !== IMAGE_LAYOUT_VERSION) {
    throw new ImageError(
      ErrorCode.InvalidArgument,
      `content store ${paths.root}: unsupported imageLayoutVersion ${JSON.stringify(version)} (Ferry reads ${IMAGE_LAYOUT_VERSION})`,
    );
  }
}

/** Creates the layout under `root` if missing, or validates the existing one. */
export async function ensureLayout(paths: LayoutPaths): Promise<void> {
  await mkdir(paths.root, { recursive: true });
  const version = await readLayoutVersion(paths);
  if (version === undefined) {
    const foreign = (await readdir(paths.root)).filter((name) => !LAYOUT_ENTRIES.has(name));
    if (foreign.length > 0) {
      throw new ImageError(
        ErrorCode.InvalidArgument,
        `content store ${paths.root}: directory is neither empty nor an OCI image layout (found ${JSON.stringify(foreign[0])})`,
      );
    }
  } else {
    checkVersion(paths, version);
  }
  await mkdir(join(paths.blobs, 'sha256'), { recursive: true });
  await mkdir(paths.ingest, { recursive: true });
  await mkdir(paths.records, { recursive: true });
  // An existing layout may lack index.json only if someone removed it; an empty index is correct then.
  await createFileExclusive(paths.index, EMPTY_INDEX, paths.ingest);
  if (version === undefined) {
    const layout = `${JSON.stringify({ imageLayoutVersion: IMAGE_LAYOUT_VERSION })}\n`;
    if (!(await createFileExclusive(paths.layoutFile, layout, paths.ingest))) {
      const raced = await readLayoutVersion(paths);
      if (raced !== undefined) checkVersion(paths, raced);
    }
  }
}
