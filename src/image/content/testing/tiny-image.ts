// A tiny OCI image built by hand (one file in one gzip layer), stored through the public API.

import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { ContentStore } from '../store.ts';
import { MediaType, type Descriptor } from '../types.ts';

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

/** A ustar archive holding one regular file. https://pubs.opengroup.org/onlinepubs/9699919799/utilities/pax.html#tag_20_92_13_06 */
export function tarWithFile(name: string, content: Uint8Array): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, 'utf8');
  header.write(octal(0o644, 8), 100, 'ascii');
  header.write(octal(0, 8), 108, 'ascii');
  header.write(octal(0, 8), 116, 'ascii');
  header.write(octal(content.byteLength, 12), 124, 'ascii');
  header.write(octal(0, 12), 136, 'ascii');
  header.write(' '.repeat(8), 148, 'ascii');
  header.write('0', 156, 'ascii');
  header.write('ustar\0', 257, 'ascii');
  header.write('00', 263, 'ascii');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  const padding = Buffer.alloc((512 - (content.byteLength % 512)) % 512);
  return Buffer.concat([header, content, padding, Buffer.alloc(1024)]);
}

export interface TinyImage {
  manifest: Descriptor;
  manifestBytes: Buffer;
  config: Descriptor;
  layer: Descriptor;
}

export async function writeTinyImage(store: ContentStore): Promise<TinyImage> {
  const tar = tarWithFile('hello.txt', new TextEncoder().encode('hello from ferry\n'));
  const layer = await store.writeBlob(gzipSync(tar), { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' });
  const diffId = `sha256:${createHash('sha256').update(tar).digest('hex')}`;
  const configJson = {
    created: '2024-01-01T00:00:00Z',
    architecture: 'amd64',
    os: 'linux',
    config: { Cmd: ['/hello.txt'] },
    rootfs: { type: 'layers', diff_ids: [diffId] },
    history: [{ created: '2024-01-01T00:00:00Z', created_by: 'ferry content store test' }],
  };
  const config = await store.writeBlob(Buffer.from(JSON.stringify(configJson)), { mediaType: 'application/vnd.oci.image.config.v1+json' });
  const manifestBytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OciManifest, config, layers: [layer] }));
  const manifest = await store.writeBlob(manifestBytes, { mediaType: MediaType.OciManifest });
  return { manifest, manifestBytes, config, layer };
}
