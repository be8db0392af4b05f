// OCI tools read what the store writes: skopeo finds an image by its full reference through the
// org.opencontainers.image.ref.name annotation, umoci by the same name.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { ContentStore } from './store.ts';
import { tempDir } from './testing/harness.ts';
import { writeTinyImage } from './testing/tiny-image.ts';

const run = promisify(execFile);
const REF = '127.0.0.1:5000/test/app:v1';

test('skopeo and umoci read a tagged image from the store', async (t) => {
  const dir = await tempDir(t);
  const root = join(dir, 'content');
  const store = await ContentStore.open(root);
  const image = await writeTinyImage(store);
  await store.tag(REF, image.manifest);
  await store.tag('docker.io/library/other:latest', image.manifest);

  const raw = await run('skopeo', ['inspect', '--raw', `oci:${root}:${REF}`], { timeout: 30_000 });
  assert.equal(raw.stdout, image.manifestBytes.toString());

  const copy = join(dir, 'copy');
  await run('skopeo', ['copy', `oci:${root}:${REF}`, `dir:${copy}`], { timeout: 30_000 });
  assert.deepEqual(await readFile(join(copy, image.layer.digest.slice('sha256:'.length))), await store.readBlob(image.layer.digest));
  assert.equal(JSON.parse(await readFile(join(copy, 'manifest.json'), 'utf8')).config.digest, image.config.digest);

  const stat = await run('umoci', ['stat', '--image', `${root}:${REF}`], { timeout: 30_000 });
  assert.match(stat.stdout, new RegExp(image.layer.digest));
  const listed = await run('umoci', ['ls', '--layout', root], { timeout: 30_000 });
  assert.deepEqual(listed.stdout.trim().split('\n').sort(), ['127.0.0.1:5000/test/app:v1', 'docker.io/library/other:latest']);
});
