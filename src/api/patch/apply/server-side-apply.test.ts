import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject, KubeObject, ManagedFieldsEntry } from '../../object.ts';
import { PatchError, PatchErrorCode } from '../errors.ts';
import { deploymentSchema, resolver } from '../testing/schemas.ts';
import { formatConflictMessage } from './conflicts.ts';
import { recordUpdate } from './record-update.ts';
import { applyPatch } from './server-side-apply.ts';
import type { ApplyPatchOptions } from './server-side-apply.ts';

const T0 = new Date('2024-05-01T10:00:00.500Z');
const T1 = new Date('2024-05-01T11:00:00Z');

function manifest(replicas = 2, containers: JsonObject[] = [{ name: 'web', image: 'nginx:1.25' }]): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'foo', namespace: 'default', labels: { app: 'foo' } },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'foo' } },
      template: { metadata: { labels: { app: 'foo' } }, spec: { containers } },
    },
  };
}

function apply(live: KubeObject | undefined, applied: KubeObject, extra: Partial<ApplyPatchOptions> = {}): KubeObject {
  const result = applyPatch({ live, applied, manager: 'kubectl', force: false, schema: deploymentSchema, resolver, apiVersion: 'apps/v1', now: T0, ...extra });
  assert.ok('object' in result, `unexpected conflicts: ${JSON.stringify(result)}`);
  return result.object;
}

function conflicts(live: KubeObject, applied: KubeObject, extra: Partial<ApplyPatchOptions> = {}) {
  const result = applyPatch({ live, applied, manager: 'kubectl', force: false, schema: deploymentSchema, resolver, apiVersion: 'apps/v1', now: T1, ...extra });
  assert.ok('conflicts' in result, 'expected conflicts');
  return result.conflicts;
}

function created(manager: string, object: KubeObject = manifest()): KubeObject {
  return recordUpdate({ before: undefined, after: object, manager, operation: 'Update', apiVersion: 'apps/v1', now: T0, schema: deploymentSchema, resolver });
}

const entries = (o: KubeObject): ManagedFieldsEntry[] => o.metadata.managedFields ?? [];
const entry = (o: KubeObject, manager: string): ManagedFieldsEntry | undefined => entries(o).find((e) => e.manager === manager);
const spec = (o: KubeObject): JsonObject => o.spec as JsonObject;
const podSpec = (o: KubeObject): JsonObject => ((spec(o).template as JsonObject).spec as JsonObject);

describe('applyPatch: creating and owning', () => {
  test('a create by apply stores the configuration and one Apply entry without the server-set fields', () => {
    const object = apply(undefined, manifest());
    const { managedFields, ...metadata } = object.metadata;
    assert.deepEqual({ ...object, metadata }, manifest());
    assert.deepEqual(managedFields, [{
      manager: 'kubectl',
      operation: 'Apply',
      apiVersion: 'apps/v1',
      time: '2024-05-01T10:00:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': { 'f:labels': { 'f:app': {} } },
        'f:spec': {
          'f:replicas': {},
          'f:selector': {},
          'f:template': {
            'f:metadata': { 'f:labels': { 'f:app': {} } },
            'f:spec': { 'f:containers': { 'k:{"name":"web"}': { 'f:image': {}, 'f:name': {}, '.': {} } } },
          },
        },
      },
    }]);
  });

  test('status in the configuration is neither stored nor owned on the main resource', () => {
    const object = apply(undefined, { ...manifest(), status: { replicas: 5 } });
    assert.equal(object.status, undefined);
    assert.equal(JSON.stringify(entries(object)).includes('status'), false);
  });

  test('rejects managedFields in the configuration and a wrong apiVersion (400)', () => {
    const withFields = manifest();
    withFields.metadata.managedFields = [];
    for (const [applied, message] of [
      [withFields, 'metadata.managedFields must be nil'],
      [{ ...manifest(), apiVersion: 'apps/v1beta1' }, 'Incorrect version specified in apply patch. Specified patch version: apps/v1beta1, expected: apps/v1'],
    ] as const) {
      assert.throws(() => apply(undefined, applied), (err: unknown) => {
        assert.ok(err instanceof PatchError);
        assert.equal(err.code, PatchErrorCode.InvalidApply);
        assert.equal(err.status, 400);
        assert.equal(err.message, message);
        return true;
      });
    }
  });

  test('a configuration that does not fit the schema is an error', () => {
    assert.throws(() => apply(undefined, manifest(1, [{ image: 'x' }])), (err: unknown) => err instanceof PatchError && err.code === PatchErrorCode.InvalidObject);
  });

  test('re-applying the same configuration changes nothing, not even the time', () => {
    const first = apply(undefined, manifest());
    const again = apply(first, manifest(), { now: T1 });
    assert.deepEqual(again, first);
  });
});

describe('applyPatch: conflicts', () => {
  test('a field another manager set to another value conflicts, naming it as Kubernetes does', () => {
    const live = created('kubectl-client-side-apply');
    const found = conflicts(live, manifest(3));
    assert.deepEqual(found, [{ manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'apps/v1', field: '.spec.replicas' }]);
    assert.equal(formatConflictMessage(found), 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
  });

  test('the same value is no conflict: both managers own the field', () => {
    const object = apply(created('kubectl-client-side-apply'), manifest(2));
    assert.ok(JSON.stringify(entry(object, 'kubectl')?.fieldsV1).includes('f:replicas'));
    assert.ok(JSON.stringify(entry(object, 'kubectl-client-side-apply')?.fieldsV1).includes('f:replicas'));
  });

  test('force takes the field over', () => {
    const object = apply(created('kubectl-client-side-apply'), manifest(3), { force: true });
    assert.equal(spec(object).replicas, 3);
    assert.ok(JSON.stringify(entry(object, 'kubectl')?.fieldsV1).includes('f:replicas'));
    assert.ok(!JSON.stringify(entry(object, 'kubectl-client-side-apply')?.fieldsV1).includes('f:replicas'));
    assert.ok(JSON.stringify(entry(object, 'kubectl-client-side-apply')?.fieldsV1).includes('f:image'), 'other fields stay with it');
  });

  test('two appliers conflict on a field inside a list item', () => {
    const a = apply(undefined, manifest(), { manager: 'a' });
    const found = conflicts(a, manifest(2, [{ name: 'web', image: 'nginx:2' }]), { manager: 'b' });
    assert.deepEqual(found.map((c) => [c.manager, c.operation, c.field]), [
      ['a', 'Apply', '.spec.template.spec.containers[name="web"].image'],
    ]);
    assert.equal(formatConflictMessage(found), 'Apply failed with 1 conflict: conflict with "a": .spec.template.spec.containers[name="web"].image');
  });

  test('an atomic list conflicts as a whole', () => {
    const base = manifest();
    (podSpec(base) as JsonObject).tolerations = [{ key: 'x' }];
    const owner = apply(undefined, base, { manager: 'a' });
    const changed = manifest();
    (podSpec(changed) as JsonObject).tolerations = [{ key: 'x' }, { key: 'y' }];
    assert.deepEqual(conflicts(owner, changed, { manager: 'b' }).map((c) => c.field), ['.spec.template.spec.tolerations']);
  });
});

describe('applyPatch: merging and pruning', () => {
  test('fields the applier no longer applies are removed, unless someone else owns them', () => {
    const first = apply(undefined, manifest(2, [{ name: 'web', image: 'a' }, { name: 'side', image: 'b' }]));
    const dropped = manifest(2, [{ name: 'web', image: 'a' }]);
    delete (dropped.metadata.labels as Record<string, string>).app;
    const object = apply(first, dropped);
    assert.deepEqual(podSpec(object).containers, [{ name: 'web', image: 'a' }]);
    assert.equal(object.metadata.labels, undefined);

    const shared = apply(first, manifest(2, [{ name: 'side', image: 'b' }]), { manager: 'other' });
    const kept = apply(shared, dropped);
    assert.deepEqual(podSpec(kept).containers, [{ name: 'web', image: 'a' }, { name: 'side', image: 'b' }]);
    assert.equal(entry(kept, 'kubectl')?.fieldsV1['f:metadata'], undefined);
  });

  test('a whole struct nobody else owns goes; fields set by other writes and defaults stay', () => {
    const withStrategy = manifest();
    spec(withStrategy).strategy = { rollingUpdate: { maxSurge: 1 } };
    const first = apply(undefined, withStrategy);
    // A server default nobody owns, and a field an Update manager set.
    (podSpec(first) as JsonObject).restartPolicy = 'Always';
    const edited = recordUpdate({
      before: first,
      after: { ...structuredClone(first), spec: { ...structuredClone(spec(first)), paused: true } },
      manager: 'kubectl-edit', operation: 'Update', apiVersion: 'apps/v1', now: T0, schema: deploymentSchema, resolver,
    });
    const object = apply(edited, manifest());
    assert.equal(spec(object).strategy, undefined);
    assert.equal(spec(object).paused, true);
    assert.equal(podSpec(object).restartPolicy, 'Always');
  });

  test('map-lists merge by all their keys; live-only values stay', () => {
    const first = apply(undefined, manifest(2, [{ name: 'web', image: 'a', ports: [{ containerPort: 53 }] }]));
    (podSpec(first).containers as JsonObject[])[0]!.imagePullPolicy = 'IfNotPresent';
    const object = apply(first, manifest(2, [{ name: 'web', image: 'a', ports: [{ containerPort: 53 }, { containerPort: 53, protocol: 'UDP' }] }]));
    assert.deepEqual(podSpec(object).containers, [
      { name: 'web', image: 'a', ports: [{ containerPort: 53 }, { containerPort: 53, protocol: 'UDP' }], imagePullPolicy: 'IfNotPresent' },
    ]);
  });

  test('managedFields are sorted Apply first and the live entries keep their times', () => {
    const object = apply(created('kubectl-create'), manifest(2), { now: T1 });
    assert.deepEqual(entries(object).map((e) => [e.manager, e.operation, e.time]), [
      ['kubectl', 'Apply', '2024-05-01T11:00:00Z'],
      ['kubectl-create', 'Update', '2024-05-01T10:00:00Z'],
    ]);
  });
});
