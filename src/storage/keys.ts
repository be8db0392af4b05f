// Keys and prefixes. Keys are compared as their UTF-8 bytes everywhere (SQLite's BINARY collation
// on TEXT is memcmp of UTF-8, etcd compares bytes), which is not JavaScript's UTF-16 order: a key
// with an emoji sorts after one with U+E000 here, before it with `<`.

/** Rejects keys that cannot be stored faithfully: lone surrogates would turn into U+FFFD in UTF-8 and alias other keys. */
export function checkKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key.length === 0) throw new TypeError(`storage key must be a non-empty string, got ${describe(key)}`);
  if (!key.isWellFormed()) throw new TypeError(`storage key ${JSON.stringify(key)} holds a lone surrogate and has no UTF-8 form`);
}

export function checkPrefix(prefix: unknown): asserts prefix is string {
  if (typeof prefix !== 'string') throw new TypeError(`storage prefix must be a string, got ${describe(prefix)}`);
  if (!prefix.isWellFormed()) throw new TypeError(`storage prefix ${JSON.stringify(prefix)} holds a lone surrogate and has no UTF-8 form`);
}

export function checkValue(value: unknown): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`storage value must be a Uint8Array, got ${describe(value)}`);
}

export function checkRevision(name: string, revision: unknown, allowZero: boolean): asserts revision is number {
  if (typeof revision !== 'number' || !Number.isSafeInteger(revision) || revision < (allowZero ? 0 : 1)) {
    throw new TypeError(`${name} must be an integer >= ${allowZero ? 0 : 1}, got ${describe(revision)}`);
  }
}

/**
 * The smallest byte string above every string that starts with `prefix`, as bytes: the prefix's UTF-8
 * with its last byte raised by one (UTF-8 never holds 0xFF, so there is always one to raise). For the
 * empty prefix, 0xFF: above every UTF-8 string. The result need not be valid UTF-8; SQLite compares it
 * as raw bytes (`CAST(? AS TEXT)`).
 */
export function prefixEnd(prefix: string): Uint8Array {
  if (prefix === '') return Uint8Array.of(0xff);
  const bytes = new Uint8Array(Buffer.from(prefix, 'utf8'));
  let i = bytes.length - 1;
  while (i >= 0 && bytes[i] === 0xff) i--;
  const end = bytes.subarray(0, i + 1);
  end[i] = (end[i] as number) + 1;
  return end;
}

/** Byte-order comparison of two strings, as SQLite and etcd compare keys. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return `${typeof v} ${String(v)}`;
}
