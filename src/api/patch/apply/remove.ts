// Removing fields and list items named by a field set: structured-merge-diff's RemoveItems.
// A map or list emptied by the removal goes away with it, as it does once Kubernetes decodes the
// result into Go types. https://github.com/kubernetes-sigs/structured-merge-diff/blob/master/typed/remove.go
import type { JsonObject, JsonValue } from '../../object.ts';
import type { SchemaNode, SchemaResolver } from '../../schema.ts';
import { entries, isJsonObject } from '../json-value.ts';
import { fieldSchema } from '../schema-info.ts';
import type { FieldSet } from './field-set.ts';
import { fieldElement } from './path-element.ts';
import type { PathElement } from './path-element.ts';
import { itemElement, typeOf } from './typed.ts';

/** `value` without the paths of `set` (relative to it); undefined when nothing is left. */
export function removeItems(
  value: JsonValue,
  set: FieldSet,
  schema: SchemaNode | undefined,
  resolver: SchemaResolver,
  path: PathElement[] = [],
): JsonValue | undefined {
  if (set.isEmpty()) return value;
  const t = typeOf(schema, value, resolver);
  // Paths below an atomic value come from managed fields written under another schema; keeping
  // the value is safer than Kubernetes' dropping it.
  if (t.kind === 'scalar' || (t.kind === 'map' && t.atomic) || (t.kind === 'list' && t.relation === 'atomic')) return value;
  if (t.kind === 'map') {
    if (!isJsonObject(value) || Object.keys(value).length === 0) return value;
    const out: JsonObject = {};
    for (const [key, child] of entries(value)) {
      const pe = fieldElement(key);
      if (set.hasMember(pe)) continue;
      const kept = removeItems(child, set.child(pe), fieldSchema(t.schema, key, resolver).schema, resolver, [...path, pe]);
      if (kept !== undefined) out[key] = kept;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  if (!Array.isArray(value) || value.length === 0) return value;
  const out: JsonValue[] = [];
  value.forEach((item, i) => {
    const pe = itemElement(t, i, item, path, resolver);
    if (set.hasMember(pe)) return;
    const kept = removeItems(item, set.child(pe), t.items, resolver, [...path, pe]);
    if (kept !== undefined) out.push(kept);
  });
  return out.length > 0 ? out : undefined;
}
