import assert from 'node:assert/strict';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { rootfsUserDb } from './rootfs-users.ts';
import { readFileInRoot, resolveInRoot } from './safe-path.ts';
import { tempDir } from './test-support.ts';

test('symlinks in an image resolve inside the rootfs, never to host files', () => {
  const base = tempDir('safe');
  try {
    const root = join(base, 'rootfs');
    mkdirSync(join(root, 'etc'), { recursive: true });
    mkdirSync(join(root, 'real'));
    writeFileSync(join(root, 'real', 'passwd'), 'app:x:7:8::/:/bin/sh\n');
    writeFileSync(join(base, 'host-secret'), 'root:x:0:0:HOST:/:/bin/sh\n');
    symlinkSync('/real/passwd', join(root, 'etc', 'passwd'));        // absolute: rooted at the rootfs
    symlinkSync('../../../../host-secret', join(root, 'etc', 'group')); // .. stops at the rootfs root
    symlinkSync('loop2', join(root, 'loop1'));
    symlinkSync('loop1', join(root, 'loop2'));

    assert.equal(resolveInRoot(root, '/etc/passwd'), join(root, 'real', 'passwd'));
    assert.equal(resolveInRoot(root, '/etc/group'), join(root, 'host-secret'));
    assert.equal(readFileInRoot(root, '/etc/group'), undefined);
    assert.equal(resolveInRoot(root, '/missing/../etc/./x'), join(root, 'etc', 'x'));
    assert.throws(() => resolveInRoot(root, '/loop1'), /too many levels/);
    assert.equal(readFileInRoot(root, '/etc'), undefined, 'not a regular file');

    const db = rootfsUserDb(root);
    assert.deepEqual(db.userByName('app'), { name: 'app', uid: 7, gid: 8, home: '/' });
    assert.equal(db.userById(0), undefined, 'the host file was not read');
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
