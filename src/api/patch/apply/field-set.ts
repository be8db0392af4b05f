// A set of field paths, stored as a tree like structured-merge-diff's fieldpath.Set: at each node,
// the path elements that are members of the set and the subtrees below. Serialized as FieldsV1:
// `{"f:spec":{"f:replicas":{}}}`, with `".": {}` marking a node that is a member and has children.
// https://github.com/kubernetes-sigs/structured-merge-diff/blob/master/fieldpath/serialize.go
import type { JsonObject, JsonValue } from '../../object.ts';
import { isJsonObject } from '../json-value.ts';
import { comparePathElements, formatPathElement, parsePathElement } from './path-element.ts';
import type { PathElement } from './path-element.ts';

export class FieldSet {
  readonly #members = new Set<PathElement>();
  readonly #children = new Map<PathElement, FieldSet>();

  static fromPaths(paths: PathElement[][]): FieldSet {
    const set = new FieldSet();
    for (const path of paths) set.insert(path);
    return set;
  }

  /** Adds `path`; the empty path (the root) is never a member. */
  insert(path: PathElement[]): void {
    const [head, ...rest] = path;
    if (head === undefined) return;
    if (rest.length === 0) this.#members.add(head);
    else this.#child(head).insert(rest);
  }

  has(path: PathElement[]): boolean {
    const [head, ...rest] = path;
    if (head === undefined) return false;
    if (rest.length === 0) return this.#members.has(head);
    return this.#children.get(head)?.has(rest) ?? false;
  }

  hasMember(pe: PathElement): boolean {
    return this.#members.has(pe);
  }

  /** The paths below `pe`, relative to it (empty when there are none). */
  child(pe: PathElement): FieldSet {
    return this.#children.get(pe) ?? new FieldSet();
  }

  members(): PathElement[] {
    return [...this.#members];
  }

  childElements(): PathElement[] {
    return [...this.#children.keys()];
  }

  isEmpty(): boolean {
    return this.#members.size === 0 && this.#children.size === 0;
  }

  union(other: FieldSet): FieldSet {
    const out = this.clone();
    for (const pe of other.#members) out.#members.add(pe);
    for (const [pe, set] of other.#children) out.#setChild(pe, out.child(pe).union(set));
    return out;
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const pe of this.#members) if (other.#members.has(pe)) out.#members.add(pe);
    for (const [pe, set] of this.#children) {
      const theirs = other.#children.get(pe);
      if (theirs !== undefined) out.#setChild(pe, set.intersection(theirs));
    }
    return out;
  }

  /** The paths of this set that are not in `other` (children of removed paths stay). */
  difference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const pe of this.#members) if (!other.#members.has(pe)) out.#members.add(pe);
    for (const [pe, set] of this.#children) {
      const theirs = other.#children.get(pe);
      out.#setChild(pe, theirs === undefined ? set.clone() : set.difference(theirs));
    }
    return out;
  }

  /** Like difference, and also drops everything below a path that `other` contains. */
  recursiveDifference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const pe of this.#members) if (!other.#members.has(pe)) out.#members.add(pe);
    for (const [pe, set] of this.#children) {
      if (other.#members.has(pe)) continue;
      const theirs = other.#children.get(pe);
      out.#setChild(pe, theirs === undefined ? set.clone() : set.recursiveDifference(theirs));
    }
    return out;
  }

  /** Every member path, in structured-merge-diff's order. */
  paths(): PathElement[][] {
    const out: PathElement[][] = [];
    const keys = new Set([...this.#members, ...this.#children.keys()]);
    for (const pe of [...keys].sort(comparePathElements)) {
      if (this.#members.has(pe)) out.push([pe]);
      const child = this.#children.get(pe);
      if (child !== undefined) for (const rest of child.paths()) out.push([pe, ...rest]);
    }
    return out;
  }

  clone(): FieldSet {
    const out = new FieldSet();
    for (const pe of this.#members) out.#members.add(pe);
    for (const [pe, set] of this.#children) out.#children.set(pe, set.clone());
    return out;
  }

  equals(other: FieldSet): boolean {
    return JSON.stringify(this.toFieldsV1()) === JSON.stringify(other.toFieldsV1());
  }

  toFieldsV1(): JsonObject {
    const out: JsonObject = {};
    const keys = new Set([...this.#members, ...this.#children.keys()]);
    for (const pe of [...keys].sort(comparePathElements)) {
      const child = this.#children.get(pe);
      if (child === undefined) {
        out[pe] = {};
        continue;
      }
      const encoded = child.toFieldsV1();
      if (this.#members.has(pe)) encoded['.'] = {};
      out[pe] = encoded;
    }
    return out;
  }

  /** Reads FieldsV1; unknown element kinds are dropped, malformed ones throw. */
  static fromFieldsV1(fields: JsonValue | undefined): FieldSet {
    const set = new FieldSet();
    if (fields === undefined || fields === null) return set;
    if (!isJsonObject(fields)) throw new Error('fieldsV1 must be an object');
    for (const [key, value] of Object.entries(fields)) {
      if (key === '.') continue;
      const parsed = parsePathElement(key);
      if (parsed === undefined) continue;
      if (!isJsonObject(value)) throw new Error(`fieldsV1 entry ${JSON.stringify(key)} must be an object`);
      const pe = formatPathElement(parsed);
      const child = FieldSet.fromFieldsV1(value);
      const entries = Object.keys(value).filter((k) => k !== '.');
      if (entries.length === 0 || Object.hasOwn(value, '.')) set.#members.add(pe);
      if (!child.isEmpty()) set.#setChild(pe, set.child(pe).union(child));
    }
    return set;
  }

  #child(pe: PathElement): FieldSet {
    let node = this.#children.get(pe);
    if (node === undefined) {
      node = new FieldSet();
      this.#children.set(pe, node);
    }
    return node;
  }

  #setChild(pe: PathElement, set: FieldSet): void {
    if (set.isEmpty()) this.#children.delete(pe);
    else this.#children.set(pe, set);
  }
}
