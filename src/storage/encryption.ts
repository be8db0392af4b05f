// Encryption at rest, as a wrapper around any KeyValueStore: values of keys under the configured
// prefixes are stored AES-256-GCM encrypted in Kubernetes' aesgcm format
// (https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/):
//
//   k8s:enc:aesgcm:v1:<keyName>:  nonce (12 random bytes)  ciphertext  tag (16 bytes)
//
// with the storage key as additional authenticated data, as Kubernetes does: a ciphertext copied
// to another key fails authentication instead of decrypting as that key's value.
//
// Reads decrypt every value that carries the header, whatever its key (so narrowing `prefixes` later
// loses nothing); values without it, written before encryption was enabled, are returned as stored.
// A value whose header names another key, or that fails authentication, is a `Corrupt` error naming
// the storage key (never the value). In a watch, that error ends the watch through onClose.
//
// Random 96-bit nonces: keep one key below a few billion writes (Kubernetes advises rotating aesgcm
// keys every 200,000 writes to stay far from that; rotation is not built yet).
import { createCipheriv, createDecipheriv, createSecretKey, randomBytes } from 'node:crypto';
import { closeSync, constants as fsConstants, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, fstatSync, unlinkSync, writeSync, fchmodSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { StorageError, StorageErrorCode, type KeyValue, type KeyValueStore, type ListOptions, type ListResult, type Watch, type WatchEvent, type WatchOptions } from './types.ts';

export interface EncryptionOptions {
  /** 32 bytes (AES-256). */
  key: Uint8Array;
  /** Written into every value's header; letters, digits, `-`, `_` and `.`. */
  keyName: string;
  /** Values of keys starting with one of these are encrypted when written, e.g. `/registry/secrets/`. */
  prefixes: string[];
}

const HEADER = 'k8s:enc:aesgcm:v1:';
const HEADER_BYTES = Buffer.from(HEADER);
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

export function encryptValues(store: KeyValueStore, options: EncryptionOptions): KeyValueStore {
  const { keyName, prefixes } = options;
  if (!(options.key instanceof Uint8Array) || options.key.length !== KEY_BYTES) {
    throw new TypeError(`encryption key must be ${KEY_BYTES} bytes, got ${options.key instanceof Uint8Array ? options.key.length : typeof options.key}`);
  }
  if (typeof keyName !== 'string' || !/^[A-Za-z0-9._-]+$/.test(keyName)) {
    throw new TypeError(`encryption key name must be letters, digits, '-', '_' or '.', got ${JSON.stringify(keyName)}`);
  }
  if (!Array.isArray(prefixes) || !prefixes.every((p) => typeof p === 'string' && p !== '')) {
    throw new TypeError('encryption prefixes must be non-empty strings');
  }
  // A KeyObject, imported once: a raw key is re-imported by OpenSSL at every cipher (4x the cost of a 1 KiB value).
  const key = createSecretKey(Buffer.from(options.key));
  const header = Buffer.from(`${HEADER}${keyName}:`);

  const encrypt = (storageKey: string, value: Uint8Array): Uint8Array => {
    if (!prefixes.some((p) => storageKey.startsWith(p))) return value;
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(storageKey, 'utf8'));
    const body = cipher.update(value);
    const final = cipher.final();
    return Buffer.concat([header, nonce, body, final, cipher.getAuthTag()]);
  };

  const decrypt = (storageKey: string, stored: Uint8Array): Uint8Array => {
    const data = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
    if (data.length < HEADER_BYTES.length || !data.subarray(0, HEADER_BYTES.length).equals(HEADER_BYTES)) return stored;
    const nameEnd = data.indexOf(0x3a /* : */, HEADER_BYTES.length);
    if (nameEnd < 0) throw corrupt(storageKey, 'its encryption header has no key name');
    const name = data.subarray(HEADER_BYTES.length, nameEnd).toString('utf8');
    if (name !== keyName) {
      throw corrupt(storageKey, `it is encrypted with key ${JSON.stringify(name)}, and only ${JSON.stringify(keyName)} is configured`);
    }
    const nonceStart = nameEnd + 1;
    if (data.length < nonceStart + NONCE_BYTES + TAG_BYTES) throw corrupt(storageKey, 'its ciphertext is truncated');
    const nonce = data.subarray(nonceStart, nonceStart + NONCE_BYTES);
    const tag = data.subarray(data.length - TAG_BYTES);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(storageKey, 'utf8'));
      decipher.setAuthTag(tag);
      const body = decipher.update(data.subarray(nonceStart + NONCE_BYTES, data.length - TAG_BYTES));
      return new Uint8Array(Buffer.concat([body, decipher.final()]));
    } catch {
      // The cause is OpenSSL's "Unsupported state or unable to authenticate data": nothing to add.
      throw corrupt(storageKey, `it fails authentication with key ${JSON.stringify(keyName)}: it was altered, moved from another key, or encrypted with another key of that name`);
    }
  };

  const open = (kv: KeyValue): KeyValue => ({ ...kv, value: decrypt(kv.key, kv.value) });
  const openEvent = (ev: WatchEvent): WatchEvent =>
    ev.type === 'delete'
      ? { type: 'delete', kv: open(ev.kv), prevKv: open(ev.prevKv) }
      : ev.prevKv === undefined
        ? { type: 'put', kv: open(ev.kv) }
        : { type: 'put', kv: open(ev.kv), prevKv: open(ev.prevKv) };

  return {
    currentRevision: () => store.currentRevision(),
    compactedRevision: () => store.compactedRevision(),
    count: (prefix: string) => store.count(prefix),
    compact: (revision: number) => store.compact(revision),
    close: () => store.close(),
    async get(k: string): Promise<KeyValue | undefined> {
      const kv = await store.get(k);
      return kv === undefined ? undefined : open(kv);
    },
    async list(prefix: string, opts?: ListOptions): Promise<ListResult> {
      const r = await store.list(prefix, opts);
      return { ...r, items: r.items.map(open) };
    },
    // The result holds a copy of the plaintext taken at the call, as the caller may reuse its buffer.
    async create(k: string, value: Uint8Array): Promise<KeyValue> {
      const plain = Uint8Array.prototype.slice.call(value);
      const kv = await store.create(k, encrypt(k, plain));
      return { ...kv, value: plain };
    },
    async update(k: string, value: Uint8Array, expectedModRevision: number): Promise<KeyValue> {
      const plain = Uint8Array.prototype.slice.call(value);
      const kv = await store.update(k, encrypt(k, plain), expectedModRevision);
      return { ...kv, value: plain };
    },
    async delete(k: string, expectedModRevision?: number): Promise<KeyValue> {
      const kv = await store.delete(k, expectedModRevision);
      try {
        return open(kv);
      } catch (err) {
        // The delete is done (the way to get rid of a value nobody can read), but its value cannot be returned.
        throw new StorageError(StorageErrorCode.Corrupt, `${k} was deleted at revision ${kv.modRevision}, but ${(err as Error).message}`);
      }
    },
    watch(prefix: string, opts: WatchOptions): Watch {
      let ended = false;
      // Filled in once the inner watch returns; the inner store may call back before that.
      const handle: { inner?: Watch } = {};
      const end = (error?: StorageError): void => {
        if (ended) return;
        ended = true;
        handle.inner?.cancel();
        opts.onClose?.(error);
      };
      const inner = store.watch(prefix, {
        afterRevision: opts.afterRevision,
        onEvent: (ev) => {
          if (ended) return;
          let plain: WatchEvent;
          try {
            plain = openEvent(ev);
          } catch (err) {
            end(err as StorageError);
            return;
          }
          opts.onEvent(plain);
        },
        onClose: (error) => end(error),
      });
      handle.inner = inner;
      if (ended) inner.cancel();
      return {
        cancel: () => {
          ended = true;
          inner.cancel();
        },
      };
    },
  };
}

function corrupt(storageKey: string, why: string): StorageError {
  return new StorageError(StorageErrorCode.Corrupt, `the stored value of ${storageKey} cannot be decrypted: ${why}`);
}

/**
 * Reads the 32-byte key in `path`, or creates it (random, mode 0600, written to a temporary file
 * and linked into place, so a crash leaves no half-written key and two processes starting at once
 * end up with the same one). Refuses a key file readable or writable by group or others, or of the
 * wrong size, with a message naming the file and the fix.
 */
export function loadOrCreateKey(path: string): Buffer {
  const existing = readKeyFile(path);
  if (existing) return existing;
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_WRONLY, 0o600);
  try {
    try {
      fchmodSync(fd, 0o600); // whatever the umask
      writeSync(fd, randomBytes(KEY_BYTES));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(tmp, path); // fails if another process created the key meanwhile: then use that one
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    fsyncDir(dir);
  } finally {
    unlinkSync(tmp);
  }
  const key = readKeyFile(path);
  if (!key) throw new Error(`encryption key file ${path} vanished right after it was created`);
  return key;
}

function readKeyFile(path: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, fsConstants.O_RDONLY | fsConstants.O_NOFOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw new Error(`encryption key file ${path} is a symbolic link; put the key file itself there`);
    throw new Error(`cannot read encryption key file ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error(`encryption key file ${path} is not a regular file`);
    const mode = st.mode & 0o777;
    if (mode & 0o077) {
      throw new Error(
        `encryption key file ${path} has mode ${mode.toString(8).padStart(4, '0')}: group and others can reach it. ` +
          `It must be readable by its owner only: run chmod 600 ${path}`,
      );
    }
    if (st.size !== KEY_BYTES) {
      throw new Error(
        `encryption key file ${path} holds ${st.size} bytes, not ${KEY_BYTES}: it is not a Ferry key. ` +
          `Put the right key file back; only if nothing was ever encrypted with it, remove it and a new key is created`,
      );
    }
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, fsConstants.O_RDONLY | fsConstants.O_DIRECTORY);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
