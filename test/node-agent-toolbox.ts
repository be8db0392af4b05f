// The image for the node agent's init, env and probe tests: the host's busybox-static with the
// applets those tests use (httpd, nc, test, touch, env ...) and a CGI health endpoint that answers
// 500 once /tmp/sick exists, for a liveness probe that fails with the kubelet's exact message.
import { readFileSync } from 'node:fs';
import { buildImage, publishImage } from './fixtures/index.ts';
import type { BuiltImage, RunningRegistry, TarEntry } from './fixtures/index.ts';

const APPLETS = ['sh', 'echo', 'sleep', 'cat', 'ls', 'date', 'env', 'sort', 'grep', 'touch', 'rm', 'mkdir', 'test', '[', 'printf', 'httpd', 'nc', 'true', 'false'];

export const HEALTH_CGI = `#!/bin/sh
if [ -f /tmp/sick ]; then printf 'Status: 500 Internal Server Error\\r\\nContent-Type: text/plain\\r\\n\\r\\nsick\\n'; else printf 'Content-Type: text/plain\\r\\n\\r\\nok\\n'; fi
`;

export function toolboxImage(): BuiltImage {
  const entries: TarEntry[] = [
    { type: 'dir', path: 'bin' },
    { type: 'file', path: 'bin/busybox', content: readFileSync('/bin/busybox'), mode: 0o755 },
    ...APPLETS.map((a): TarEntry => ({ type: 'symlink', path: `bin/${a}`, target: 'busybox' })),
    { type: 'dir', path: 'tmp', mode: 0o1777 },
    { type: 'dir', path: 'www' },
    { type: 'dir', path: 'www/cgi-bin' },
    { type: 'file', path: 'www/cgi-bin/health', content: Buffer.from(HEALTH_CGI), mode: 0o755 },
  ];
  return buildImage({ layers: [{ entries }], config: { Cmd: ['sleep', '3600'] } });
}

/** Publishes the toolbox image as ferry/toolbox:v1; returns its full name. */
export async function publishToolbox(registry: RunningRegistry): Promise<string> {
  await publishImage(registry, 'ferry/toolbox:v1', toolboxImage());
  return `${registry.host}/ferry/toolbox:v1`;
}
