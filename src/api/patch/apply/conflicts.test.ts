import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyConflictStatus, conflictCauses, describeManager, formatConflictMessage } from './conflicts.ts';
import type { Conflict } from './conflicts.ts';

const csa: Conflict = { manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'apps/v1', field: '.spec.replicas' };

describe('conflict messages', () => {
  test('one conflict, as kubectl prints it', () => {
    assert.equal(formatConflictMessage([csa]), 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
  });

  test('several conflicts are grouped by manager', () => {
    const conflicts: Conflict[] = [
      { manager: 'a', operation: 'Apply', apiVersion: 'v1', field: '.data.x' },
      { ...csa },
      { ...csa, field: '.spec.template.spec.containers[name="web"].image' },
    ];
    assert.equal(
      formatConflictMessage(conflicts),
      'Apply failed with 3 conflicts: conflicts with "a":\n- .data.x\nconflicts with "kubectl-client-side-apply" using apps/v1:\n' +
        '- .spec.replicas\n- .spec.template.spec.containers[name="web"].image',
    );
  });

  test('appliers print without apiVersion; subresources are named', () => {
    assert.equal(describeManager({ manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1' }), '"kubectl"');
    assert.equal(
      describeManager({ manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'apps/v1', subresource: 'status' }),
      '"kube-controller-manager" with subresource "status" using apps/v1',
    );
  });

  test('details.causes and the 409 Status body', () => {
    assert.deepEqual(conflictCauses([csa]), [
      { reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' },
    ]);
    const status = applyConflictStatus([csa]);
    assert.equal(status.code, 409);
    assert.equal(status.reason, 'Conflict');
    assert.equal(status.kind, 'Status');
    assert.equal(status.message, formatConflictMessage([csa]));
    assert.deepEqual(status.details, { causes: conflictCauses([csa]) });
  });
});
