// Encryption at rest (encryptValues over the SQLite store): the Kubernetes aesgcm format, what
// the disk holds, tampering, and the key file.
import assert from 'node:assert/strict';
import { createDecipheriv } from 'node:crypto';
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { encryptValues, loadOrCreateKey, openSqliteStore, StorageErrorCode, type StorageError, type WatchEvent } from '../src/storage/index.ts';
import { dec, enc, isCode, KEY, waitFor, withDir, withStore } from './storage-sqlite-helpers.ts';

describe('encryption at rest', () => {
  const secretText = 'hunter2-PLAINTEXT-MARKER';
  const publicText = 'PUBLIC-CONFIG-MARKER';

  function fileBytes(path: string): Buffer {
    return Buffer.concat(['', '-wal', '-journal'].filter((s) => existsSync(path + s)).map((s) => readFileSync(path + s)));
  }

  test('values under the prefixes are stored in the Kubernetes aesgcm format; the disk never holds their plaintext', async () => {
    await withDir(async (dir) => {
      const path = join(dir, 'db.sqlite');
      const raw = await openSqliteStore(path);
      const store = encryptValues(raw, { key: KEY, keyName: 'key1', prefixes: ['/registry/secrets/'] });
      const s = await store.create('/registry/secrets/default/test', enc(secretText));
      await store.update('/registry/secrets/default/test', enc(`${secretText}-v2`), s.modRevision);
      await store.create('/registry/configmaps/default/test', enc(publicText));
      assert.equal(dec((await store.get('/registry/secrets/default/test'))!.value), `${secretText}-v2`);

      const stored = Buffer.from((await raw.get('/registry/secrets/default/test'))!.value);
      const header = Buffer.from('k8s:enc:aesgcm:v1:key1:');
      assert.ok(stored.subarray(0, header.length).equals(header));
      const plain = Buffer.from(`${secretText}-v2`);
      assert.equal(stored.length, header.length + 12 + plain.length + 16);
      // What Kubernetes' aesgcm transformer does: the storage key is the authenticated data.
      const d = createDecipheriv('aes-256-gcm', KEY, stored.subarray(header.length, header.length + 12));
      d.setAAD(Buffer.from('/registry/secrets/default/test'));
      d.setAuthTag(stored.subarray(stored.length - 16));
      assert.equal(Buffer.concat([d.update(stored.subarray(header.length + 12, stored.length - 16)), d.final()]).toString(), `${secretText}-v2`);
      assert.equal(dec((await raw.get('/registry/configmaps/default/test'))!.value), publicText);

      // Open (WAL in use) and closed (checkpointed into the main file).
      for (const when of ['open', 'closed']) {
        if (when === 'closed') await store.close();
        const bytes = fileBytes(path);
        assert.ok(bytes.includes(publicText), `sanity: the unencrypted value is visible on disk (${when})`);
        assert.ok(!bytes.includes(secretText), `the secret's plaintext is on disk (${when})`);
      }
    });
  });

  test('values written before encryption was enabled read as plaintext; writes encrypt them', async () => {
    await withStore(async (raw) => {
      const old = await raw.create('/registry/secrets/ns/old', enc('legacy'));
      const store = encryptValues(raw, { key: KEY, keyName: 'k', prefixes: ['/registry/secrets/'] });
      assert.equal(dec((await store.get('/registry/secrets/ns/old'))!.value), 'legacy');
      assert.deepEqual((await store.list('/registry/')).items.map((i) => dec(i.value)), ['legacy']);
      await store.update('/registry/secrets/ns/old', enc('rewritten'), old.modRevision);
      assert.ok(dec((await raw.get('/registry/secrets/ns/old'))!.value).startsWith('k8s:enc:aesgcm:v1:k:'));
      assert.equal(dec((await store.get('/registry/secrets/ns/old'))!.value), 'rewritten');
      // A key outside the prefixes stays plaintext, but an encrypted value is decrypted wherever it is.
      const narrower = encryptValues(raw, { key: KEY, keyName: 'k', prefixes: ['/registry/other/'] });
      assert.equal(dec((await narrower.get('/registry/secrets/ns/old'))!.value), 'rewritten');
    });
  });

  test('altered ciphertext, ciphertext moved to another key, another key: Corrupt naming the key, never the plaintext', async () => {
    await withStore(async (raw) => {
      const store = encryptValues(raw, { key: KEY, keyName: 'k', prefixes: ['/s/'] });
      await store.create('/s/a', enc(secretText));
      await store.create('/s/b', enc('other'));
      const from = await store.currentRevision();
      const events: WatchEvent[] = [];
      let closed: StorageError | undefined;
      store.watch('/s/', { afterRevision: from, onEvent: (e) => events.push(e), onClose: (e) => (closed = e) });

      const stored = (await raw.get('/s/a'))!;
      const tampered = Buffer.from(stored.value);
      tampered[tampered.length - 20]! ^= 1;
      await raw.update('/s/a', tampered, stored.modRevision);
      const check = (err: unknown): boolean => {
        assert.ok(isCode(StorageErrorCode.Corrupt)(err), String(err));
        assert.ok((err as Error).message.includes('/s/a'), (err as Error).message);
        assert.ok(!(err as Error).message.includes(secretText));
        return true;
      };
      await assert.rejects(store.get('/s/a'), check);
      await assert.rejects(store.list('/s/'), check);
      await waitFor(() => closed !== undefined, 'the watch to end');
      check(closed);
      assert.deepEqual(events, []);

      // A valid ciphertext of /s/b stored under /s/a does not authenticate (the key is bound in).
      const b = (await raw.get('/s/b'))!;
      await raw.update('/s/a', b.value, (await raw.get('/s/a'))!.modRevision);
      await assert.rejects(store.get('/s/a'), check);
      assert.equal(dec((await store.get('/s/b'))!.value), 'other');

      // The same name with other key bytes, and another name.
      await assert.rejects(encryptValues(raw, { key: Buffer.alloc(32, 9), keyName: 'k', prefixes: ['/s/'] }).get('/s/b'), isCode(StorageErrorCode.Corrupt));
      await assert.rejects(encryptValues(raw, { key: KEY, keyName: 'k2', prefixes: ['/s/'] }).get('/s/b'), (err: unknown) => isCode(StorageErrorCode.Corrupt)(err) && (err as Error).message.includes('"k"'));
      // Deleting a corrupt value still works through the raw store; through the wrapper, the result cannot be shown.
      await assert.rejects(store.delete('/s/a'), check);
      assert.equal(await raw.get('/s/a'), undefined);
    });
  });

  test('encryptValues refuses a key that is not 32 bytes and key names that would break the header', async () => {
    await withStore(async (raw) => {
      assert.throws(() => encryptValues(raw, { key: Buffer.alloc(16), keyName: 'k', prefixes: ['/'] }), /32 bytes/);
      assert.throws(() => encryptValues(raw, { key: KEY, keyName: 'a:b', prefixes: ['/'] }), /key name/);
    });
  });

  test('loadOrCreateKey creates a random 32-byte key with mode 0600 once, then reads it', async () => {
    await withDir(async (dir) => {
      const path = join(dir, 'keys', 'storage.key');
      const oldMask = process.umask(0);
      let key: Buffer;
      try {
        key = loadOrCreateKey(path);
      } finally {
        process.umask(oldMask);
      }
      assert.equal(key.length, 32);
      assert.equal(statSync(path).mode & 0o777, 0o600);
      assert.deepEqual(loadOrCreateKey(path), key);
      assert.notDeepEqual(loadOrCreateKey(join(dir, 'other.key')), key);
      assert.deepEqual(readdirSync(join(dir, 'keys')), ['storage.key'], 'no temporary file left');
    });
  });

  test('loadOrCreateKey refuses a key file others can read, of the wrong size, or a symlink, naming the file and the fix', async () => {
    await withDir(async (dir) => {
      const path = join(dir, 'storage.key');
      loadOrCreateKey(path);
      chmodSync(path, 0o644);
      assert.throws(() => loadOrCreateKey(path), (err: Error) => err.message.includes(path) && err.message.includes(`chmod 600 ${path}`) && err.message.includes('0644'));
      chmodSync(path, 0o600);
      writeFileSync(path, Buffer.alloc(16));
      assert.throws(() => loadOrCreateKey(path), (err: Error) => err.message.includes(path) && err.message.includes('16 bytes'));
      const link = join(dir, 'link.key');
      symlinkSync(path, link);
      assert.throws(() => loadOrCreateKey(link), (err: Error) => err.message.includes(link) && err.message.includes('symbolic link'));
    });
  });
});
