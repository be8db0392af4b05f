// The kubectl journeys of the research note, end to end through the public API.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject, KubeObject } from '../object.ts';
import * as patch from './index.ts';
import { deploymentSchema as schema, resolver } from './testing/schemas.ts';

const T0 = new Date('2024-05-01T10:00:00Z');
const T1 = new Date('2024-05-01T10:05:00Z');
const T2 = new Date('2024-05-01T10:10:00Z');

const manifest = (replicas: number, image: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'foo', namespace: 'default' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'foo' } },
    template: { metadata: { labels: { app: 'foo' } }, spec: { containers: [{ name: 'web', image, ports: [{ containerPort: 80 }] }] } },
  },
});

describe('kubectl journeys', () => {
  test('apply (create, then a strategic merge patch), then apply --server-side conflicts and forces', () => {
    // kubectl apply, object absent: POST ?fieldManager=kubectl-client-side-apply
    const createdBody = manifest(1, 'nginx:1.25');
    const stored = patch.recordUpdate({
      before: undefined, after: createdBody, manager: 'kubectl-client-side-apply', operation: 'Update',
      apiVersion: 'apps/v1', now: T0, schema, resolver,
    });

    // kubectl apply, object present: PATCH with the observed strategic merge patch body
    const body = {
      spec: {
        replicas: 3,
        template: { spec: { '$setElementOrder/containers': [{ name: 'web' }], containers: [{ image: 'nginx:1.26', name: 'web', ports: null }] } },
      },
    };
    const patched = patch.strategicMerge(stored as unknown as JsonObject, body, schema, resolver) as unknown as KubeObject;
    const updated = patch.recordUpdate({
      before: stored, after: patched, manager: 'kubectl-client-side-apply', operation: 'Update',
      apiVersion: 'apps/v1', now: T1, schema, resolver,
    });
    const spec = updated.spec as JsonObject;
    assert.equal(spec.replicas, 3);
    assert.deepEqual(((spec.template as JsonObject).spec as JsonObject).containers, [{ name: 'web', image: 'nginx:1.26' }]);
    assert.deepEqual(updated.metadata.managedFields?.map((e) => [e.manager, e.time]), [['kubectl-client-side-apply', '2024-05-01T10:05:00Z']]);

    // kubectl apply --server-side with another replica count: 409
    const options = { live: updated, applied: manifest(5, 'nginx:1.26'), manager: 'kubectl', force: false, schema, resolver, apiVersion: 'apps/v1', now: T2 };
    const result = patch.applyPatch(options);
    assert.ok('conflicts' in result);
    const status = patch.applyConflictStatus(result.conflicts);
    assert.equal(status.message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
    assert.deepEqual((status.details as JsonObject).causes, [
      { reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' },
    ]);

    // --force-conflicts
    const forced = patch.applyPatch({ ...options, force: true });
    assert.ok('object' in forced);
    assert.equal((forced.object.spec as JsonObject).replicas, 5);
    assert.deepEqual(forced.object.metadata.managedFields?.map((e) => [e.manager, e.operation]), [['kubectl', 'Apply'], ['kubectl-client-side-apply', 'Update']]);
  });

  test('label (merge patch) and patch --type json', () => {
    const stored = patch.recordUpdate({
      before: undefined, after: manifest(1, 'a'), manager: 'kubectl-create', operation: 'Update', apiVersion: 'apps/v1', now: T0, schema, resolver,
    });
    const labelled = patch.applyMergePatch(stored as unknown as JsonObject, { metadata: { labels: { env: 'prod' } } });
    const jsonPatched = patch.applyJsonPatch(labelled, [
      { op: 'test', path: '/metadata/labels/env', value: 'prod' },
      { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'b' },
    ]) as JsonObject;
    assert.deepEqual((((jsonPatched.spec as JsonObject).template as JsonObject).spec as JsonObject).containers, [{ name: 'web', image: 'b', ports: [{ containerPort: 80 }] }]);
    assert.deepEqual((jsonPatched.metadata as JsonObject).labels, { env: 'prod' });
    assert.throws(() => patch.applyJsonPatch(labelled, [{ op: 'test', path: '/metadata/labels/env', value: 'dev' }]), (err: unknown) =>
      patch.isPatchError(err, patch.PatchErrorCode.TestFailed) && err.status === 422);
  });
});
