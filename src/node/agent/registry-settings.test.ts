import assert from 'node:assert/strict';
import { test } from 'node:test';
import { registrySettings } from './registry-settings.ts';

const annotations = { 'k8s.aliyun.com/plain-http-registry': 'ok.example:5000,bad.example', 'k8s.aliyun.com/insecure-registry': '*.lab' };

test('without a policy every named registry counts', () => {
  const s = registrySettings(annotations, { certsDir: '/c', allowedInsecure: undefined, onRefused: () => assert.fail(), onError: () => assert.fail() });
  assert.deepEqual(s, { plainHttp: ['ok.example:5000', 'bad.example'], insecure: ['*.lab'], certsDir: '/c' });
});

test('the admin\'s policy keeps the allowed ones and says which were refused (pods and ImageCaches alike)', () => {
  const refused: string[] = [];
  const s = registrySettings(annotations, { certsDir: undefined, allowedInsecure: ['ok.example:5000', '*.lab'], onRefused: (m) => refused.push(m), onError: () => assert.fail() });
  assert.deepEqual(s, { plainHttp: ['ok.example:5000'], insecure: ['*.lab'] });
  assert.equal(refused.length, 1);
  assert.match(refused[0] ?? '', /^k8s\.aliyun\.com\/plain-http-registry names bad\.example, which this node's policy does not allow/);
});
