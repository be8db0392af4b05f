// `ferry push SRC DEST`: copy an image from the content store (pulled before) to a registry,
// digests kept, blobs the registry has skipped and blobs of its other repositories mounted.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { push } from '../image/push.ts';
import type { PushEvent, PushResult } from '../image/push-types.ts';
import { parseReference } from '../image/reference.ts';
import { parseHostList } from '../image/registry/host-list.ts';
import { closeIdleConnections } from '../image/registry/http.ts';
import { credentialsFor } from './credentials.ts';
import { defaultDataDir } from './data-dir.ts';
import { formatBytes } from './progress.ts';
import { openContent } from './stores.ts';
import { parse, UsageError } from './usage.ts';

const HELP = `Usage: ferry push SRC DEST [options]

SRC is an image in the content store (see ferry images); DEST is where it goes. Digests are kept:
the bytes pushed are the bytes pulled.

  --data-dir DIR        where images are stored (default $FERRY_DATA_DIR, else ~/.local/share/ferry)
  --auth-file FILE      credentials for DEST's registry: a docker config.json, a .dockerconfigjson, or
                        a Kubernetes Secret manifest of that type (repeatable; default ~/.docker/config.json)
  --plain-http HOSTS    registries to reach over plain HTTP (comma list of host or host:port; repeatable)
  --insecure HOSTS      registries whose TLS certificate is not verified (comma list; repeatable)
  --certs-dir DIR       containerd-style certs.d directory (default DIR/certs.d when it exists)
  --all-platforms       SRC was pulled from a multi-platform index: push the index and every platform
                        image (all must be stored: ferry pull --platform ... for each)
  --mount-from REPOS    repositories on DEST's registry to mount blobs from (comma list; repeatable)
  --chunk-size BYTES    upload in PATCH chunks of this size (for proxies that cap request bodies)
  --json                print one JSON object with the result instead of progress
`;

export const PUSH_OPTIONS = {
  'data-dir': { type: 'string' },
  'auth-file': { type: 'string', multiple: true },
  'plain-http': { type: 'string', multiple: true },
  insecure: { type: 'string', multiple: true },
  'certs-dir': { type: 'string' },
  'all-platforms': { type: 'boolean' },
  'mount-from': { type: 'string', multiple: true },
  'chunk-size': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function pushCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, PUSH_OPTIONS);
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (positionals.length !== 2) throw new UsageError(`expected SRC and DEST, got ${positionals.length} argument(s)\n\n${HELP}`);
  const chunkSize = values['chunk-size'] === undefined ? undefined : Number(values['chunk-size']);
  if (chunkSize !== undefined && (!Number.isSafeInteger(chunkSize) || chunkSize < 1)) throw new UsageError('--chunk-size must be a whole number of bytes, 1 or more');
  const src = parseReference(positionals[0] as string);
  const dest = parseReference(positionals[1] as string);
  const dataDir = values['data-dir'] ?? defaultDataDir();
  const certsDir = values['certs-dir'] ?? (existsSync(join(dataDir, 'certs.d')) ? join(dataDir, 'certs.d') : undefined);
  const store = await openContent(dataDir);
  const printer = values.json ? undefined : new PushPrinter(process.stdout);
  try {
    const result = await push(src, dest, {
      store,
      credentials: await credentialsFor(dest, values['auth-file'] ?? []),
      settings: { plainHttp: parseHostList(values['plain-http'], '--plain-http'), insecure: parseHostList(values.insecure, '--insecure'), certsDir },
      allPlatforms: values['all-platforms'] === true,
      mountFrom: (values['mount-from'] ?? []).flatMap((v) => v.split(',')).map((r) => r.trim()).filter(Boolean),
      chunkSize,
      onEvent: printer?.onEvent,
    });
    if (values.json) process.stdout.write(`${JSON.stringify(pushJson(result))}\n`);
    return 0;
  } finally {
    closeIdleConnections();
  }
}

/** The `--json` shape, shared with `ferry pull --mirror-to`. */
export function pushJson(r: PushResult): Record<string, unknown> {
  return { source: r.source, reference: r.reference, digest: r.digest, mediaType: r.mediaType, size: r.size, uploadedBytes: r.uploadedBytes, blobs: r.blobs, manifests: r.manifests };
}

/** One line per blob state change, like `docker push` on a pipe. */
export class PushPrinter {
  readonly #out: Writable;
  readonly #last = new Map<string, string>();

  constructor(out: Writable) {
    this.#out = out;
  }

  onEvent = (e: PushEvent): void => {
    switch (e.type) {
      case 'resolved':
        this.#out.write(`Pushing ${e.source} to ${e.reference} (${e.digest})\n`);
        return;
      case 'blob': {
        const id = e.digest.replace(/^sha256:/, '').slice(0, 12);
        const text = e.status === 'Mounted' ? `Mounted from ${e.from ?? 'another repository'}` : e.status;
        if (this.#last.get(id) === text) return;
        this.#last.set(id, text);
        this.#out.write(`${id}: ${text}${e.status === 'Pushed' ? ` ${formatBytes(e.total)}` : ''}\n`);
        return;
      }
      case 'manifest':
        this.#out.write(e.reference === e.digest ? `manifest ${e.digest}: ${e.status}\n` : `${e.reference}: digest: ${e.digest}\n`);
        return;
      case 'done':
        this.#out.write(`Status: ${e.reference} pushed (blobs: ${e.blobs.pushed} pushed, ${e.blobs.mounted} mounted, ${e.blobs.skipped} exists)\nDigest: ${e.digest}\n`);
        return;
    }
  };
}
