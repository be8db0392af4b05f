import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRoute, routePath } from './router.ts';
import type { Route } from './router.ts';

test('routes round-trip through their paths under /console/', () => {
  const routes: Route[] = [{ page: 'workloads' }, { page: 'workload-new' }, { page: 'workload', kind: 'StatefulSet', name: 'db.main' }, { page: 'secrets' }, { page: 'images' }, { page: 'imagecaches' }];
  for (const r of routes) assert.deepEqual(parseRoute(routePath(r)), r);
  assert.equal(routePath({ page: 'workload', kind: 'Deployment', name: 'foo' }), '/console/workloads/deployments/foo');
  assert.deepEqual(parseRoute('/console/'), { page: 'workloads' });
  assert.deepEqual(parseRoute('/console/nonsense/x'), { page: 'workloads' });
});
