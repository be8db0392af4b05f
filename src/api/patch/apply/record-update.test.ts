import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject, KubeObject, ManagedFieldsEntry } from '../../object.ts';
import { mergePatch } from '../merge-patch.ts';
import { deploymentSchema, resolver } from '../testing/schemas.ts';
import { formatConflictMessage } from './conflicts.ts';
import { recordUpdate } from './record-update.ts';
import type { RecordUpdateOptions } from './record-update.ts';
import { applyPatch } from './server-side-apply.ts';

const T0 = new Date('2024-05-01T10:00:00Z');
const T1 = new Date('2024-05-01T11:00:00Z');

const deployment: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'foo', namespace: 'default', uid: 'u1', resourceVersion: '1', generation: 1, creationTimestamp: '2024-05-01T10:00:00Z' },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'foo' } },
    template: { metadata: { labels: { app: 'foo' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
  },
};

function record(before: KubeObject | undefined, after: KubeObject, manager: string, extra: Partial<RecordUpdateOptions> = {}): KubeObject {
  return recordUpdate({ before, after, manager, operation: 'Update', apiVersion: 'apps/v1', now: T0, schema: deploymentSchema, resolver, ...extra });
}

/** What a client sends back: the stored object, changed by `patch`. */
function edit(stored: KubeObject, patch: JsonObject): KubeObject {
  return mergePatch(stored as unknown as JsonObject, patch) as unknown as KubeObject;
}

const entries = (o: KubeObject): ManagedFieldsEntry[] => o.metadata.managedFields ?? [];
const fieldsOf = (o: KubeObject, manager: string): string => JSON.stringify(entries(o).find((e) => e.manager === manager)?.fieldsV1);

describe('recordUpdate', () => {
  test('a create gives the creator every field it wrote, not the server-set metadata', () => {
    const object = record(undefined, deployment, 'kubectl-create');
    assert.deepEqual(entries(object), [{
      manager: 'kubectl-create',
      operation: 'Update',
      apiVersion: 'apps/v1',
      time: '2024-05-01T10:00:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:spec': {
          'f:replicas': {},
          'f:selector': {},
          'f:template': {
            'f:metadata': { 'f:labels': { 'f:app': {}, '.': {} } },
            'f:spec': { 'f:containers': { 'k:{"name":"web"}': { 'f:image': {}, 'f:name': {}, '.': {} }, '.': {} } },
          },
        },
      },
    }]);
    const { managedFields: _mf, ...metadata } = object.metadata;
    assert.deepEqual({ ...object, metadata }, deployment, 'the object itself is untouched');
  });

  test('an update takes the changed fields from their previous owner', () => {
    const stored = record(undefined, deployment, 'kubectl-create');
    const scaled = record(stored, edit(stored, { spec: { replicas: 3 } }), 'kubectl-edit', { now: T1 });
    assert.ok(fieldsOf(scaled, 'kubectl-edit').includes('f:replicas'));
    assert.ok(!fieldsOf(scaled, 'kubectl-create').includes('f:replicas'));
    assert.ok(fieldsOf(scaled, 'kubectl-create').includes('f:image'));
    assert.deepEqual(entries(scaled).map((e) => [e.manager, e.time]), [['kubectl-create', '2024-05-01T10:00:00Z'], ['kubectl-edit', '2024-05-01T11:00:00Z']]);
  });

  test('kubectl label owns just the label; a later apply of another value names it', () => {
    const stored = record(undefined, deployment, 'kubectl-create');
    const labelled = record(stored, edit(stored, { metadata: { labels: { tier: 'web' } } }), 'kubectl-label');
    assert.deepEqual(entries(labelled).find((e) => e.manager === 'kubectl-label')?.fieldsV1, { 'f:metadata': { 'f:labels': { 'f:tier': {}, '.': {} } } });
    const applied = { ...structuredClone(deployment), metadata: { name: 'foo', namespace: 'default', labels: { tier: 'db' } } };
    const result = applyPatch({ live: labelled, applied, manager: 'kubectl', force: false, schema: deploymentSchema, resolver, apiVersion: 'apps/v1', now: T1 });
    assert.ok('conflicts' in result);
    assert.equal(formatConflictMessage(result.conflicts), 'Apply failed with 1 conflict: conflict with "kubectl-label" using apps/v1: .metadata.labels.tier');
  });

  test('a manager left with nothing is dropped; a write that changes nothing adds no entry', () => {
    const stored = record(undefined, { ...deployment, spec: { replicas: 1 } }, 'a');
    const taken = record(stored, edit(stored, { spec: { replicas: 2 } }), 'b');
    assert.deepEqual(entries(taken).map((e) => e.manager), ['b']);
    const same = record(taken, structuredClone(taken), 'c', { now: T1 });
    assert.deepEqual(entries(same), entries(taken));
  });

  test('removing a field removes it from its owner', () => {
    const stored = record(undefined, deployment, 'kubectl-create');
    const after = structuredClone(stored);
    delete (after.spec as JsonObject).replicas;
    assert.ok(!fieldsOf(record(stored, after, 'kubectl-edit'), 'kubectl-create').includes('f:replicas'));
  });

  test('status is not owned through the main resource; through the status subresource it is', () => {
    const stored = record(undefined, deployment, 'kubectl-create');
    const withStatus = { ...structuredClone(stored), status: { replicas: 1 } };
    assert.equal(entries(record(stored, withStatus, 'x')).some((e) => e.manager === 'x'), false);
    const viaStatus = record(stored, withStatus, 'kube-controller-manager', { subresource: 'status' });
    const e = entries(viaStatus).find((m) => m.manager === 'kube-controller-manager');
    assert.deepEqual(e && { subresource: e.subresource, fieldsV1: e.fieldsV1 }, { subresource: 'status', fieldsV1: { 'f:status': { 'f:replicas': {}, '.': {} } } });
  });

  test('managedFields the client sends are used; none keeps the stored ones; [] and [{}] reset', () => {
    const stored = record(undefined, deployment, 'kubectl-create');
    const scale = (o: KubeObject): KubeObject => edit(o, { spec: { replicas: 5 } });
    const omitted = scale(stored);
    delete omitted.metadata.managedFields;
    assert.deepEqual(entries(record(stored, omitted, 'e', { now: T1 })).map((x) => x.manager), ['kubectl-create', 'e']);
    for (const reset of [[], [{}]]) {
      const cleared = scale(stored);
      cleared.metadata.managedFields = reset as ManagedFieldsEntry[];
      assert.deepEqual(entries(record(stored, cleared, 'e')).map((x) => x.manager), ['e'], JSON.stringify(reset));
    }
    const renamed = scale(stored);
    renamed.metadata.managedFields = entries(stored).map((x) => ({ ...x, manager: 'renamed' }));
    assert.deepEqual(entries(record(stored, renamed, 'e', { now: T1 })).map((x) => x.manager), ['renamed', 'e']);
    const garbage = scale(stored);
    garbage.metadata.managedFields = [{ manager: 'x' } as ManagedFieldsEntry];
    assert.deepEqual(entries(record(stored, garbage, 'e', { now: T1 })).map((x) => x.manager), ['kubectl-create', 'e']);
  });

  test('an object the field sets cannot describe loses its managedFields instead of failing', () => {
    const stored = record(undefined, deployment, 'kubectl-create');
    const broken = edit(stored, { spec: { template: { spec: { containers: [{ image: 'no-name' }] } } } });
    const out = record(stored, broken, 'e');
    assert.equal(out.metadata.managedFields, undefined);
    assert.deepEqual((out.spec as JsonObject).template, (broken.spec as JsonObject).template);
  });
});
