// Narrowing helpers for reading and defaulting untyped object JSON.
import type { JsonObject } from '../object.ts';
import { isJsonObject } from '../object.ts';

export function asObject(value: unknown): JsonObject | undefined {
  return isJsonObject(value) ? value : undefined;
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

/** The entries of an array that are objects; empty for anything else. */
export function objects(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.filter(isJsonObject) : [];
}

export function stringMap(value: unknown): Record<string, string> | undefined {
  if (!isJsonObject(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** `parent[key]` as an object, created (replacing a non-object) when missing. */
export function ensureObject(parent: Record<string, unknown>, key: string): JsonObject {
  const existing = parent[key];
  if (isJsonObject(existing)) return existing;
  const created: JsonObject = {};
  parent[key] = created;
  return created;
}

/** Sets `obj[key]` when it is absent or null, as Go defaulting fills zero values. */
export function setDefault(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (obj[key] === undefined || obj[key] === null) obj[key] = value;
}

/** Same, but also replaces an empty string (Go's zero value for string fields). */
export function setDefaultString(obj: Record<string, unknown>, key: string, value: string): void {
  if (obj[key] === undefined || obj[key] === null || obj[key] === '') obj[key] = value;
}

/** Reads a dotted path of object keys. */
export function getPath(root: unknown, ...keys: string[]): unknown {
  let cur: unknown = root;
  for (const k of keys) {
    if (!isJsonObject(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

export function stringAt(root: unknown, ...keys: string[]): string {
  const v = getPath(root, ...keys);
  return typeof v === 'string' ? v : '';
}

export function numberAt(root: unknown, ...keys: string[]): number {
  const v = getPath(root, ...keys);
  return typeof v === 'number' ? v : 0;
}
