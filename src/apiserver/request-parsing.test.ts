import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchesFields, parseFieldSelector } from './field-selector.ts';
import { selectorMatches as matchesLabels } from '../api/validation/label-selector.ts';
import { parseLabelSelector } from './label-selector.ts';
import { parseAccept, wantsAggregatedDiscovery, wantsTable } from './negotiation.ts';
import { parseResourceRequest } from './request-info.ts';

const q = (s = '') => new URLSearchParams(s);

test('request info follows kube-apiserver for namespaced, cluster and namespace paths', () => {
  assert.deepEqual(parseResourceRequest('GET', '/api/v1/namespaces/default/pods/bar/log', q()), {
    group: '', version: 'v1', namespace: 'default', resource: 'pods', name: 'bar', subresource: 'log', verb: 'get',
  });
  assert.deepEqual(parseResourceRequest('GET', '/api/v1/namespaces/foo', q()), {
    group: '', version: 'v1', namespace: undefined, resource: 'namespaces', name: 'foo', subresource: undefined, verb: 'get',
  });
  assert.equal(parseResourceRequest('PUT', '/api/v1/namespaces/foo/status', q())?.subresource, 'status');
  assert.equal(parseResourceRequest('GET', '/apis/apps/v1/deployments', q('watch=1'))?.verb, 'watch');
  assert.equal(parseResourceRequest('GET', '/api/v1/watch/namespaces/default/pods', q())?.verb, 'watch');
  // Booleans as apimachinery reads them: the Python client sends watch=True.
  assert.equal(parseResourceRequest('GET', '/api/v1/namespaces/default/configmaps', q('watch=True'))?.verb, 'watch');
  assert.equal(parseResourceRequest('GET', '/api/v1/namespaces/default/configmaps', q('watch=FALSE'))?.verb, 'list');
  assert.equal(parseResourceRequest('GET', '/api/v1/namespaces/default/configmaps', q('watch=0'))?.verb, 'list');
  assert.equal(parseResourceRequest('DELETE', '/apis/apps/v1/namespaces/x/deployments', q())?.verb, 'deletecollection');
  assert.equal(parseResourceRequest('GET', '/apis/eci.alibabacloud.com/v1/imagecaches/ic1', q())?.group, 'eci.alibabacloud.com');
  assert.equal(parseResourceRequest('GET', '/apis/apps', q()), undefined);
});

test('label selectors: equality, sets, existence', () => {
  const s = parseLabelSelector('app=foo,tier!=db,env in (a, b),!legacy,team');
  assert.equal(matchesLabels(s, { app: 'foo', env: 'b', team: 'x' }), true);
  assert.equal(matchesLabels(s, { app: 'foo', env: 'c', team: 'x' }), false);
  assert.equal(matchesLabels(s, { app: 'foo', env: 'a', team: 'x', legacy: '1' }), false);
  assert.equal(matchesLabels(s, { app: 'foo', env: 'a' }), false);
  assert.throws(() => parseLabelSelector('a=(b'), /unable to parse requirement/);
});

test('field selectors are an unordered set with escapes', () => {
  const a = parseFieldSelector('involvedObject.uid=1,involvedObject.name=foo,involvedObject.namespace=default');
  const b = parseFieldSelector('involvedObject.namespace=default,involvedObject.uid=1,involvedObject.name=foo');
  const fields: Record<string, string> = { 'involvedObject.uid': '1', 'involvedObject.name': 'foo', 'involvedObject.namespace': 'default' };
  assert.equal(matchesFields(a, (f) => fields[f]), true);
  assert.equal(matchesFields(b, (f) => fields[f]), true);
  assert.deepEqual(parseFieldSelector('a=x\\,y'), [{ field: 'a', op: '=', value: 'x,y' }]);
  assert.equal(matchesFields(parseFieldSelector('status.phase!=Running'), () => 'Running'), false);
});

test('Accept negotiation picks Tables and the discovery version the client asked for', () => {
  const table = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';
  assert.equal(wantsTable(parseAccept(table)), 'v1');
  assert.equal(wantsTable(parseAccept('application/json')), undefined);
  const v2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
  assert.equal(wantsAggregatedDiscovery(parseAccept(v2)), 'v2');
  const beta = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
  assert.equal(wantsAggregatedDiscovery(parseAccept(beta)), 'v2beta1');
  assert.equal(wantsAggregatedDiscovery(parseAccept('application/json, */*')), undefined);
});
