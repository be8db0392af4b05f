// One step of a field path, as structured-merge-diff names it: a field of a map (`f:name`), the
// item of a map-list by its keys (`k:{"name":"web"}`), the item of a set by its value (`v:"x"`),
// or the item of an atomic list by index (`i:0`). The fieldsV1 spelling is also the identity used
// throughout: https://github.com/kubernetes-sigs/structured-merge-diff/blob/master/fieldpath/serialize-pe.go
import type { JsonObject, JsonValue } from '../../object.ts';
import { isJsonObject } from '../json-value.ts';

/** A path element in its canonical fieldsV1 spelling. */
export type PathElement = string;

export type ParsedPathElement =
  | { kind: 'field'; name: string }
  | { kind: 'key'; fields: [string, JsonValue][] }
  | { kind: 'value'; value: JsonValue }
  | { kind: 'index'; index: number };

export function fieldElement(name: string): PathElement {
  return `f:${name}`;
}

/** Key fields are sorted by name, as structured-merge-diff's FieldList is. */
export function keyElement(fields: [string, JsonValue][]): PathElement {
  const sorted = [...fields].sort(([a], [b]) => compareStrings(a, b));
  const object: JsonObject = {};
  for (const [name, value] of sorted) object[name] = value;
  return `k:${JSON.stringify(object)}`;
}

export function valueElement(value: JsonValue): PathElement {
  return `v:${JSON.stringify(value)}`;
}

export function indexElement(index: number): PathElement {
  return `i:${index}`;
}

/** Parses a fieldsV1 key; undefined for an unknown kind (ignored, like Kubernetes does), throws when malformed. */
export function parsePathElement(text: string): ParsedPathElement | undefined {
  if (text.length < 2 || text[1] !== ':') throw new Error(`missing colon: ${text}`);
  const body = text.slice(2);
  switch (text[0]) {
    case 'f':
      return { kind: 'field', name: body };
    case 'k': {
      const parsed = JSON.parse(body) as JsonValue;
      if (!isJsonObject(parsed)) throw new Error(`key element is not an object: ${text}`);
      return { kind: 'key', fields: Object.entries(parsed) as [string, JsonValue][] };
    }
    case 'v':
      return { kind: 'value', value: JSON.parse(body) as JsonValue };
    case 'i': {
      if (!/^[+-]?\d+$/.test(body)) throw new Error(`invalid index: ${text}`);
      return { kind: 'index', index: Number(body) };
    }
    default:
      return undefined;
  }
}

/** The canonical spelling of a parsed element (key fields sorted, JSON compacted). */
export function formatPathElement(pe: ParsedPathElement): PathElement {
  switch (pe.kind) {
    case 'field': return fieldElement(pe.name);
    case 'key': return keyElement(pe.fields);
    case 'value': return valueElement(pe.value);
    case 'index': return indexElement(pe.index);
  }
}

/** The human form used in conflict messages: `.name`, `[name="web"]`, `[="x"]`, `[0]`. */
export function describePathElement(pe: PathElement): string {
  const parsed = parsePathElement(pe);
  switch (parsed?.kind) {
    case 'field': return `.${parsed.name}`;
    case 'key': return `[${parsed.fields.map(([name, value]) => `${name}=${describeValue(value)}`).join(',')}]`;
    case 'value': return `[=${describeValue(parsed.value)}]`;
    case 'index': return `[${parsed.index}]`;
    default: return '{{invalid path element}}';
  }
}

export function describePath(path: PathElement[]): string {
  return path.map(describePathElement).join('');
}

const kindRank: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

/** structured-merge-diff's PathElement.Compare: fields, then keys, then values, then indexes. */
export function comparePathElements(a: PathElement, b: PathElement): number {
  if (a === b) return 0;
  const rankA = kindRank[a[0] ?? ''] ?? 4;
  const rankB = kindRank[b[0] ?? ''] ?? 4;
  if (rankA !== rankB) return rankA - rankB;
  const pa = parsePathElement(a);
  const pb = parsePathElement(b);
  if (pa?.kind === 'field' && pb?.kind === 'field') return compareStrings(pa.name, pb.name);
  if (pa?.kind === 'index' && pb?.kind === 'index') return pa.index - pb.index;
  if (pa?.kind === 'value' && pb?.kind === 'value') return compareValues(pa.value, pb.value);
  if (pa?.kind === 'key' && pb?.kind === 'key') return compareFieldLists(pa.fields, pb.fields);
  return compareStrings(a, b);
}

function compareFieldLists(a: [string, JsonValue][], b: [string, JsonValue][]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const [nameA, valueA] = a[i] as [string, JsonValue];
    const [nameB, valueB] = b[i] as [string, JsonValue];
    const c = compareStrings(nameA, nameB) || compareValues(valueA, valueB);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

// value.Compare: numbers, then strings, then booleans, then lists, then maps, then null.
function valueRank(v: JsonValue): number {
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 1;
  if (typeof v === 'boolean') return 2;
  if (Array.isArray(v)) return 3;
  if (v !== null) return 4;
  return 5;
}

export function compareValues(a: JsonValue, b: JsonValue): number {
  const rank = valueRank(a) - valueRank(b);
  if (rank !== 0) return rank;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compareValues(a[i] as JsonValue, b[i] as JsonValue);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  if (isJsonObject(a) && isJsonObject(b)) return compareStrings(JSON.stringify(sortedEntries(a)), JSON.stringify(sortedEntries(b)));
  return 0;
}

function sortedEntries(o: JsonObject): [string, JsonValue | undefined][] {
  return Object.entries(o).sort(([x], [y]) => compareStrings(x, y));
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// value.ToString: strings quoted, everything else as JSON.
function describeValue(value: JsonValue): string {
  return JSON.stringify(value);
}
