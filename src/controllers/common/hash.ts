// The hashing pieces Kubernetes controllers name objects with: FNV-1 / FNV-1a 32-bit
// (Go's hash/fnv), rand.SafeEncodeString, and a canonical JSON encoding to feed them.
// https://github.com/kubernetes/apimachinery/blob/master/pkg/util/rand/rand.go
// https://github.com/golang/go/blob/master/src/hash/fnv/fnv.go

const OFFSET32 = 0x811c9dc5;
const PRIME32 = 0x01000193;

/** Go's fnv.New32a over bytes, continuing from `seed` (the running hash) when given. */
export function fnv32a(bytes: Uint8Array, seed = OFFSET32): number {
  let h = seed;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, PRIME32) >>> 0;
  }
  return h >>> 0;
}

/** Go's fnv.New32 (FNV-1: multiply, then xor), which ControllerRevision hashes use. */
export function fnv32(bytes: Uint8Array, seed = OFFSET32): number {
  let h = seed;
  for (const b of bytes) {
    h = Math.imul(h, PRIME32) >>> 0;
    h = (h ^ b) >>> 0;
  }
  return h >>> 0;
}

// Vowels and 0, 1, 3 are left out so that an encoded hash never spells a word.
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** rand.SafeEncodeString: each character mapped into the alphabet above by its code point. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (const ch of s) out += ALPHANUMS[(ch.codePointAt(0) ?? 0) % ALPHANUMS.length];
  return out;
}

/** How Kubernetes renders a 32-bit hash as a name suffix: its decimal digits, safe-encoded. */
export function encodeHash(hash: number): string {
  return safeEncodeString(String(hash >>> 0));
}

/**
 * JSON with object keys sorted at every level (Go's encoding/json does this for maps) and
 * undefined members left out; the same value always yields the same bytes.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
