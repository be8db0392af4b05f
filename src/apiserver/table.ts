// Server-side printing: meta.k8s.io Table. kubectl prints cells verbatim, so each kind's table
// definition pre-formats them; rows carry PartialObjectMetadata (or the whole object when asked
// with includeObject=Object) because `-A`, `--show-labels` and `--sort-by` read it.
// https://kubernetes.io/docs/reference/using-api/api-concepts/#receiving-resources-as-tables
import type { KindDefinition } from '../api/kind.ts';
import type { KubeObject } from '../api/object.ts';
import { errors } from './status.ts';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function parseIncludeObject(value: string | null): IncludeObject {
  if (value === null || value === '' || value === 'Metadata') return 'Metadata';
  if (value === 'None' || value === 'Object') return value;
  throw errors.badRequest(`includeObject: Unsupported value: ${JSON.stringify(value)}: supported values: "Metadata", "None", "Object"`);
}

function rowObject(object: KubeObject, include: IncludeObject, tableVersion: string): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return object;
  const { managedFields: _m, ...metadata } = object.metadata;
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${tableVersion}`, metadata };
}

export function toTable(
  kind: KindDefinition,
  objects: KubeObject[],
  options: { include: IncludeObject; version: 'v1' | 'v1beta1'; resourceVersion?: string; continueToken?: string; withColumns?: boolean; now?: Date },
): Record<string, unknown> {
  const now = options.now ?? new Date();
  const metadata: Record<string, unknown> = {};
  if (options.resourceVersion !== undefined) metadata['resourceVersion'] = options.resourceVersion;
  if (options.continueToken !== undefined) metadata['continue'] = options.continueToken;
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${options.version}`,
    metadata,
    columnDefinitions:
      options.withColumns === false
        ? null
        : kind.table.columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description, priority: c.priority })),
    rows: objects.map((o) => {
      const row: Record<string, unknown> = { cells: kind.table.cells(o, now) };
      const object = rowObject(o, options.include, options.version);
      if (object !== undefined) row['object'] = object;
      return row;
    }),
  };
}
