import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyHelpers } from './annotations.ts';
import { buildWorkload, emptyWorkloadForm, validateWorkloadForm, workloadErrorsFromCauses } from './workload-form.ts';
import type { WorkloadFormValues } from './workload-form.ts';

const base: WorkloadFormValues = { ...emptyWorkloadForm('default'), name: 'foo', image: 'www.example.com/janedoe/awesomeapp:v1', pullSecrets: ['test'], imagePullPolicy: 'Always' };

test('the seed Deployment: image, pull secret, Always, app label', () => {
  assert.deepEqual(validateWorkloadForm(base), {});
  const d = buildWorkload(base);
  assert.equal(d['kind'], 'Deployment');
  const spec = d['spec'] as { replicas: number; selector: unknown; template: { metadata: { labels: unknown }; spec: { containers: Record<string, unknown>[]; imagePullSecrets: unknown } } };
  assert.equal(spec.replicas, 1);
  assert.deepEqual(spec.selector, { matchLabels: { app: 'foo' } });
  assert.deepEqual(spec.template.metadata.labels, { app: 'foo' });
  assert.deepEqual(spec.template.spec.imagePullSecrets, [{ name: 'test' }]);
  assert.deepEqual(spec.template.spec.containers[0], { name: 'foo', image: 'www.example.com/janedoe/awesomeapp:v1', imagePullPolicy: 'Always' });
});

test('server validation errors land on the form fields', () => {
  const errors = validateWorkloadForm({ ...base, name: 'Foo', image: '', replicas: 'two', cpuRequest: 'lots', memoryLimit: '1Gi', memoryRequest: '2Gi' });
  assert.match(errors['name'] ?? '', /Invalid name/);
  assert.match(errors['image'] ?? '', /Enter the image/);
  assert.match(errors['replicas'] ?? '', /whole number/);
  assert.match(errors['cpuRequest'] ?? '', /quantities must match the regular expression/);
  assert.match(errors['memoryRequest'] ?? errors['cpuRequest'] ?? '', /must be less than or equal to memory limit/);
});

test('annotation helpers write the product annotations and are validated as the server does', () => {
  const helpers = emptyHelpers();
  helpers.eip = { enabled: true, bandwidthSize: '5000', networkType: '5_bgp', chargeMode: 'traffic', bandwidthName: '' };
  helpers.plainHttpRegistries = '10.0.0.5:5000, http://bad';
  helpers.replacements = [{ repositoryPrefix: 'docker.io/library', replaceWith: 'docker.io/library' }];
  helpers.burst = 'enforce';
  const v = { ...base, helpers };
  const template = (buildWorkload(v)['spec'] as { template: { metadata: { labels: Record<string, string>; annotations: Record<string, string> } } }).template;
  assert.equal(template.metadata.annotations['yangtse.io/pod-with-eip'], 'true');
  assert.equal(template.metadata.annotations['k8s.aliyun.com/plain-http-registry'], '10.0.0.5:5000,http://bad');
  assert.equal(template.metadata.labels['virtual-kubelet.io/burst-to-cci'], 'enforce');
  const errors = validateWorkloadForm(v);
  assert.match(errors['helpers.eip.bandwidthSize'] ?? '', /must be from 1 to 300 Mbit\/s/);
  assert.match(errors['helpers.plainHttpRegistries'] ?? '', /must not have a scheme/);
  assert.match(errors['helpers.replacements'] ?? '', /replaceWith/);
  helpers.eip.bandwidthSize = '300';
  helpers.plainHttpRegistries = '10.0.0.5:5000';
  helpers.replacements = [];
  assert.deepEqual(validateWorkloadForm({ ...base, helpers }), {});
});

test('a StatefulSet validates with the StatefulSet rules', () => {
  assert.deepEqual(validateWorkloadForm({ ...base, kind: 'StatefulSet' }), {});
  assert.equal(buildWorkload({ ...base, kind: 'StatefulSet' })['kind'], 'StatefulSet');
  const errors = validateWorkloadForm({ ...base, kind: 'StatefulSet', labels: [{ key: 'bad key', value: 'x' }] });
  assert.match(errors['labels'] ?? '', /name part must consist of alphanumeric/);
});

test('a 422 cause on a container path lands on the image field', () => {
  const errors = workloadErrorsFromCauses([{ field: 'spec.template.spec.containers[0].image', message: 'Required value' }, { field: 'spec.template.metadata.annotations[yangtse.io/eip-network-type]', message: 'Unsupported value' }]);
  assert.equal(errors['image'], 'Required value');
  assert.equal(errors['helpers.eip.networkType'], 'Unsupported value');
});
