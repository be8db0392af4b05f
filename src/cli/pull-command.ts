// `ferry pull IMAGE`: fetch, verify and store an image (and with --unpack, its snapshots).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pull } from '../image/pull.ts';
import { parseReference } from '../image/reference.ts';
import { parseHostList } from '../image/registry/host-list.ts';
import { closeIdleConnections } from '../image/registry/http.ts';
import { parsePlatform } from '../image/registry/manifest.ts';
import type { SnapshotStore } from '../image/unpack/index.ts';
import { credentialsFor } from './credentials.ts';
import { defaultDataDir } from './data-dir.ts';
import { startGcPacer } from './gc-pacer.ts';
import { ProgressPrinter } from './progress.ts';
import { openContent, withSnapshots } from './stores.ts';
import { parse, UsageError } from './usage.ts';

const HELP = `Usage: ferry pull IMAGE [options]

  --data-dir DIR        where images are stored (default $FERRY_DATA_DIR, else ~/.local/share/ferry)
  --auth-file FILE      credentials: a docker config.json, a .dockerconfigjson, or a Kubernetes
                        Secret manifest of that type (repeatable; default ~/.docker/config.json)
  --plain-http HOSTS    registries to reach over plain HTTP (comma list of host or host:port; repeatable)
  --insecure HOSTS      registries whose TLS certificate is not verified (comma list; repeatable)
  --certs-dir DIR       containerd-style certs.d directory (default DIR/certs.d when it exists)
  --platform OS/ARCH    platform to pull from a multi-platform image (default: this machine's)
  --pull-policy POLICY  Always (default: ask the registry for the tag's digest) or IfNotPresent
  --unpack              also unpack the layers into snapshots
  --mirror-to REG[/PFX] then push the image to this mirror registry under the same repository path
                        (docker.io/library/nginx:1.27 -> REG/PFX/library/nginx:1.27), digests kept;
                        --auth-file credentials for REG are used
  --json                print one JSON object with the result instead of progress
`;

export async function pullCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    'data-dir': { type: 'string' },
    'auth-file': { type: 'string', multiple: true },
    'plain-http': { type: 'string', multiple: true },
    insecure: { type: 'string', multiple: true },
    'certs-dir': { type: 'string' },
    platform: { type: 'string' },
    'pull-policy': { type: 'string' },
    unpack: { type: 'boolean' },
    'mirror-to': { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`expected exactly one IMAGE, got ${positionals.length}\n\n${HELP}`);
  const policy = values['pull-policy'] ?? 'Always';
  if (policy !== 'Always' && policy !== 'IfNotPresent') throw new UsageError(`--pull-policy must be Always or IfNotPresent, not "${policy}"`);

  const ref = parseReference(positionals[0] as string);
  // Loaded only when asked for (a plain pull does not pay for the push code), and checked before
  // the pull, so that a mistyped mirror costs no download.
  const mirroring = values['mirror-to'] === undefined ? undefined : await import('./pull-mirror.ts');
  const mirror = mirroring?.parseMirrorTarget(values['mirror-to'] as string);
  const dataDir = values['data-dir'] ?? defaultDataDir();
  const certsDir = values['certs-dir'] ?? (existsSync(join(dataDir, 'certs.d')) ? join(dataDir, 'certs.d') : undefined);
  const store = await openContent(dataDir);
  const printer = values.json ? undefined : new ProgressPrinter(process.stdout);
  const credentials = await credentialsFor(ref, values['auth-file'] ?? []);
  const settings = {
    plainHttp: parseHostList(values['plain-http'], '--plain-http'),
    insecure: parseHostList(values.insecure, '--insecure'),
    certsDir,
  };
  const run = (snapshots?: SnapshotStore) =>
    pull(ref, {
      store,
      snapshots,
      credentials,
      settings,
      platform: values.platform === undefined ? undefined : parsePlatform(values.platform),
      policy,
      onEvent: printer?.onEvent,
    });
  const stopGcPacer = startGcPacer();
  try {
    const result = values.unpack ? await withSnapshots(dataDir, run) : await run();
    const mirrored = mirror === undefined ? undefined : await mirroring?.mirrorPulled(ref, mirror, { store, settings, authFiles: values['auth-file'] ?? [], print: printer !== undefined });
    if (values.json) {
      process.stdout.write(
        `${JSON.stringify({
          reference: result.reference,
          digest: result.digest,
          manifestDigest: result.manifestDigest,
          size: result.size,
          platform: result.platform,
          cached: result.cached,
          config: result.config,
          layers: result.layers.map((l, i) => ({ ...l, diffId: result.diffIds[i] })),
          ...(result.chainId ? { chainId: result.chainId, lowerDirs: result.lowerDirs } : {}),
          ...(mirrored ? { mirror: mirrored } : {}),
        })}\n`,
      );
    }
    return 0;
  } finally {
    stopGcPacer();
    closeIdleConnections();
  }
}
