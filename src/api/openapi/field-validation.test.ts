import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SchemaResolver } from '../schema.ts';
import { typeMismatches, unknownFields } from './field-validation.ts';
import {
  decodeErrorMessage,
  fieldNotDeclaredMessage,
  strictDecodingMessage,
  typeMismatchFieldError,
  typeMismatchMessage,
  unknownFieldText,
  unknownFieldWarnings,
  warningHeaderValue,
} from './messages.ts';
import { schemaResolver } from './schemas.ts';

const DEPLOYMENT = 'io.k8s.api.apps.v1.Deployment';
const IMAGE_CACHE = 'com.alibabacloud.eci.v1.ImageCache';

function deployment(container: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      labels: { app: 'web', 'app.kubernetes.io/part-of': 'shop' },
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', 'k8s.aliyun.com/insecure-registry': 'harbor.example' },
      managedFields: [{ manager: 'kubectl', operation: 'Apply', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:anything': {} } } }],
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'nginx:1.25', ...container }], imagePullSecrets: [{ name: 'regcred' }] },
      },
      ...extra,
    },
  };
}

test('a valid Deployment with maps, int-or-string and quantities has no unknown field', () => {
  const object = deployment({
    ports: [{ containerPort: 80, protocol: 'TCP' }],
    resources: { limits: { cpu: 1, memory: '512Mi' }, requests: { cpu: '250m' } },
    livenessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 10 },
    readinessProbe: { tcpSocket: { port: 80 } },
    env: [{ name: 'A', value: 'b' }, { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
  });
  assert.deepEqual(unknownFields(object, DEPLOYMENT, schemaResolver), []);
  assert.deepEqual(typeMismatches(object, DEPLOYMENT, schemaResolver), []);
});

test('unknown fields are found at every depth, with Kubernetes paths', () => {
  const object = deployment({ imagePullPolicyy: 'Always' }, { replicass: 3 });
  (object.metadata as Record<string, unknown>).labelz = {};
  assert.deepEqual(unknownFields(object, DEPLOYMENT, schemaResolver), [
    '.metadata.labelz',
    '.spec.template.spec.containers[0].imagePullPolicyy',
    '.spec.replicass',
  ]);
  assert.deepEqual(unknownFields(object, DEPLOYMENT, schemaResolver, { listKeys: true }), [
    '.metadata.labelz',
    '.spec.template.spec.containers[name="web"].imagePullPolicyy',
    '.spec.replicass',
  ]);
  const ports = deployment({ ports: [{ containerPort: 80, protocol: 'UDP', hostPortt: 1 }] });
  assert.deepEqual(unknownFields(ports, DEPLOYMENT, schemaResolver, { listKeys: true }), [
    '.spec.template.spec.containers[name="web"].ports[containerPort=80,protocol="UDP"].hostPortt',
  ]);
});

test('ImageCache: documented fields pass, others are unknown, status events are free-form', () => {
  const cache = {
    apiVersion: 'eci.alibabacloud.com/v1',
    kind: 'ImageCache',
    metadata: { name: 'imagecache-sample', annotations: { 'k8s.aliyun.com/plain-http-registry': '192.168.1.2:5000' } },
    spec: { images: ['nginx:latest'], imagePullSecrets: ['default:secret1'], imageCacheSize: 25, retentionDays: 7 },
    status: { phase: 'Ready', progress: '100%', events: [{ type: 'Normal', anything: { goes: true } }] },
  };
  assert.deepEqual(unknownFields(cache, IMAGE_CACHE, schemaResolver), []);
  const typo = { ...cache, spec: { ...cache.spec, retentionDay: 7, flash: true } };
  assert.deepEqual(unknownFields(typo, IMAGE_CACHE, schemaResolver), ['.spec.retentionDay', '.spec.flash']);
});

test('apiVersion, kind and metadata are known in embedded resources; values of the wrong type are not descended', () => {
  const resolver: SchemaResolver = {
    resolve: (node) => schemaResolver.resolve(node),
    component: (name) =>
      name === 'test.Wrapper'
        ? { type: 'object', properties: { inner: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true } } }
        : schemaResolver.component(name),
  };
  const object = { apiVersion: 'x/v1', kind: 'W', inner: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', nam: 'q' }, spec: {} } };
  assert.deepEqual(unknownFields(object, 'test.Wrapper', resolver), ['.inner.metadata.nam']);
  assert.deepEqual(unknownFields(deployment({ ports: 'eighty' }), DEPLOYMENT, schemaResolver), []);
  assert.throws(() => unknownFields({}, 'io.k8s.api.core.v1.Nope', schemaResolver), RangeError);
});

test('type mismatches read as the apiserver decoder words them', () => {
  const object = deployment({ ports: [{ containerPort: '80' }], env: [{ name: 'N', value: 5 }] }, { replicas: 'three' });
  const found = typeMismatches(object, DEPLOYMENT, schemaResolver);
  assert.deepEqual(found.map(typeMismatchMessage), [
    'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32',
    'json: cannot unmarshal string into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32',
    'json: cannot unmarshal number into Go struct field EnvVar.spec.template.spec.containers.env.value of type string',
  ]);
  assert.equal(found[1]?.path, '.spec.template.spec.containers[0].ports[0].containerPort');
  const containers = typeMismatches({ spec: { template: { spec: { containers: { name: 'x' } } } } }, DEPLOYMENT, schemaResolver);
  assert.deepEqual(containers.map(typeMismatchMessage), [
    'json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container',
  ]);
  assert.deepEqual(typeMismatches({ data: { a: {} } }, 'io.k8s.api.core.v1.ConfigMap', schemaResolver).map(typeMismatchMessage), [
    'json: cannot unmarshal object into Go struct field ConfigMap.data of type string',
  ]);
  assert.deepEqual(typeMismatches([], 'io.k8s.api.core.v1.ConfigMap', schemaResolver).map(typeMismatchMessage), [
    'json: cannot unmarshal array into Go value of type v1.ConfigMap',
  ]);
  const fraction = typeMismatches({ spec: { replicas: 1.5 } }, DEPLOYMENT, schemaResolver);
  assert.equal(typeMismatchMessage(fraction[0] as never), 'json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32');
  assert.deepEqual(typeMismatches({ spec: { template: { spec: { containers: [{ name: 'a', ports: [{ containerPort: 1 }], livenessProbe: { tcpSocket: { port: {} } } }] } } } }, DEPLOYMENT, schemaResolver).map((m) => m.path), [
    '.spec.template.spec.containers[0].livenessProbe.tcpSocket.port',
  ]);
});

test('a custom kind reports a wrong type as a 422 cause', () => {
  const [mismatch] = typeMismatches({ spec: { images: ['a'], imageCacheSize: 'big' } }, IMAGE_CACHE, schemaResolver);
  assert.ok(mismatch);
  assert.deepEqual(typeMismatchFieldError(mismatch), {
    reason: 'FieldValueTypeInvalid',
    field: 'spec.imageCacheSize',
    message: 'Invalid value: "string": spec.imageCacheSize in body must be of type integer: "string"',
  });
});

test('messages use Kubernetes wording', () => {
  const paths = ['.spec.foo', '.spec.template.spec.containers[0].imagePullPolicyy'];
  assert.equal(strictDecodingMessage(paths), 'strict decoding error: unknown field "spec.foo", unknown field "spec.template.spec.containers[0].imagePullPolicyy"');
  assert.equal(unknownFieldText('.spec.foo'), 'unknown field "spec.foo"');
  assert.deepEqual(unknownFieldWarnings(['.spec.foo']), ['299 - "unknown field \\"spec.foo\\""']);
  assert.equal(warningHeaderValue('a\\b'), '299 - "a\\\\b"');
  assert.equal(
    decodeErrorMessage('Deployment', 'v1', 'Deployment', strictDecodingMessage(['.spec.foo'])),
    'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo"',
  );
  assert.equal(fieldNotDeclaredMessage('.spec.bogus'), '.spec.bogus: field not declared in schema');
  assert.equal(fieldNotDeclaredMessage('spec.bogus'), '.spec.bogus: field not declared in schema');
});
