import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeKubernetesProtobuf } from './decode.ts';
import { concat, envelope, fixed32, fixed64, mapEntry, message as m, string as s, varint as v, varintBytes, bytes as b, tag } from './test-encoder.ts';

const meta = (...fields: Uint8Array[]): Uint8Array => m(1, ...fields);
const quantity = (field: number, key: string, value: string): Uint8Array => mapEntry(field, key, m(2, s(1, value)));

describe('decodeKubernetesProtobuf: a Deployment using most of the table', () => {
  const container = m(
    2,
    s(1, 'app'),
    s(2, 'registry.example/app:1'),
    s(3, 'sh'),
    s(3, ''), // an empty list element is data, not a zero value
    s(4, '-c'),
    s(5, ''),
    m(6, s(1, 'http'), v(2, 0), v(3, 8080), s(4, 'TCP'), s(5, '')),
    m(7, s(1, 'PLAIN'), s(2, 'x')),
    m(7, s(1, 'FROM_SECRET'), s(2, ''), m(3, m(4, m(1, s(1, 'creds')), s(2, 'token'), v(3, false)))),
    m(7, s(1, 'POD'), m(3, m(1, s(1, 'v1'), s(2, 'metadata.name')))),
    m(19, s(1, 'CM_'), m(2, m(1, s(1, 'settings')))),
    m(8, quantity(1, 'cpu', '500m'), quantity(1, 'memory', '128Mi'), quantity(2, 'cpu', '')),
    m(9, s(1, 'data'), v(2, true), s(3, '/data'), s(4, '')),
    s(13, '/dev/termination-log'),
    s(20, 'File'),
    s(14, 'IfNotPresent'),
    m(15, v(2, false), v(4, 1000), m(1, s(1, 'NET_ADMIN'), s(2, 'ALL'))),
    v(16, false),
    v(18, true),
  );
  const podSpec = m(
    2,
    m(1, s(1, 'scratch'), m(2, m(2, s(1, 'Memory'), m(2, s(1, '1Gi'))))),
    m(1, s(1, 'config'), m(2, m(19, m(1, s(1, 'app-config')), m(2, s(1, 'k'), s(2, 'k.txt')), v(3, 0o644)))),
    m(1, s(1, 'secret'), m(2, m(6, s(1, 'app-secret'), v(4, true)))),
    m(1, s(1, 'host'), m(2, m(1, s(1, '/var/log'), s(2, '')))),
    m(20, s(1, 'init'), s(2, 'busybox'), s(24, 'Always')),
    container,
    s(3, 'Always'),
    v(4, 0),
    s(6, 'ClusterFirst'),
    mapEntry(7, 'disk', s(2, 'ssd')),
    s(8, 'runner'),
    v(11, false),
    m(14, v(4, 1), v(4, 2), b(4, concat(varintBytes(3), varintBytes(4))), v(2, 1000)),
    m(15, s(1, 'pull-secret')),
    s(19, 'default-scheduler'),
  );
  const deployment = concat(
    meta(
      s(1, 'web'),
      s(2, ''),
      s(3, 'prod'),
      v(7, 3),
      m(8, v(1, 1_700_000_000), v(2, 123_000_000)),
      m(9),
      mapEntry(11, 'app', s(2, 'web')),
      mapEntry(12, 'note', s(2, '')),
      m(13, s(5, 'v1'), s(1, 'ConfigMap'), s(3, 'owner'), s(4, 'uid-1'), v(6, false)),
      s(14, 'example.com/cleanup'),
      m(17, s(1, 'kubectl'), s(2, 'Update'), s(3, 'apps/v1'), s(6, 'FieldsV1'), m(7, s(1, '{"f:spec":{"f:replicas":{}}}')), s(8, '')),
    ),
    m(
      2,
      v(1, 3),
      m(2, mapEntry(1, 'app', s(2, 'web')), m(2, s(1, 'tier'), s(2, 'In'), s(3, 'front'), s(3, 'edge'))),
      m(3, meta(mapEntry(11, 'app', s(2, 'web'))), podSpec),
      m(4, s(1, 'RollingUpdate'), m(2, m(1, v(1, 0), v(2, 0), s(3, '')), m(2, v(1, 1), v(2, 0), s(3, '25%')))),
      v(5, 0),
      v(6, 0),
      v(7, false),
      v(9, 600),
    ),
    m(3, v(1, 0), v(2, 0), m(6, s(1, 'Available'), s(2, 'True'), m(6), m(7, v(1, 0)), s(4, ''), s(5, ''))),
  );

  const decoded = decodeKubernetesProtobuf(envelope('apps/v1', 'Deployment', deployment));

  test('metadata: zero values dropped, times as RFC 3339, pointer false kept, fieldsV1 as JSON', () => {
    assert.deepEqual(decoded.metadata, {
      name: 'web',
      namespace: 'prod',
      generation: 3,
      creationTimestamp: '2023-11-14T22:13:20Z',
      labels: { app: 'web' },
      annotations: { note: '' },
      ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: 'uid-1', controller: false }],
      finalizers: ['example.com/cleanup'],
      managedFields: [
        { manager: 'kubectl', operation: 'Update', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } },
      ],
    });
  });

  test('spec: pointer zeros kept, plain zeros dropped, IntOrString as number or string', () => {
    const spec = decoded.spec as Record<string, unknown>;
    assert.equal(decoded.apiVersion, 'apps/v1');
    assert.equal(decoded.kind, 'Deployment');
    assert.equal(spec.replicas, 3);
    assert.equal(spec.revisionHistoryLimit, 0);
    assert.equal(spec.progressDeadlineSeconds, 600);
    assert.equal('minReadySeconds' in spec, false);
    assert.equal('paused' in spec, false);
    assert.deepEqual(spec.selector, { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'edge'] }] });
    assert.deepEqual(spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } });
  });

  test('status: a present-but-zero Time is 1970, an empty one is dropped', () => {
    assert.deepEqual(decoded.status, {
      conditions: [{ type: 'Available', status: 'True', lastTransitionTime: '1970-01-01T00:00:00Z' }],
    });
  });

  test('pod spec: volumes with inlined sources, init containers, security context, pull secrets', () => {
    const template = (decoded.spec as { template: { metadata: unknown; spec: Record<string, unknown> } }).template;
    assert.deepEqual(template.metadata, { labels: { app: 'web' } });
    const { containers, ...pod } = template.spec;
    assert.deepEqual(pod, {
      volumes: [
        { name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '1Gi' } },
        { name: 'config', configMap: { name: 'app-config', items: [{ key: 'k', path: 'k.txt' }], defaultMode: 420 } },
        { name: 'secret', secret: { secretName: 'app-secret', optional: true } },
        { name: 'host', hostPath: { path: '/var/log', type: '' } },
      ],
      initContainers: [{ name: 'init', image: 'busybox', restartPolicy: 'Always' }],
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 0,
      dnsPolicy: 'ClusterFirst',
      nodeSelector: { disk: 'ssd' },
      serviceAccountName: 'runner',
      securityContext: { runAsUser: 1000, supplementalGroups: [1, 2, 3, 4] },
      imagePullSecrets: [{ name: 'pull-secret' }],
      schedulerName: 'default-scheduler',
    });
    assert.equal((containers as unknown[]).length, 1);
  });

  test('container: env sources, ports, quantities, mounts, security context', () => {
    const [container] = (decoded.spec as { template: { spec: { containers: unknown[] } } }).template.spec.containers;
    assert.deepEqual(container, {
      name: 'app',
      image: 'registry.example/app:1',
      command: ['sh', ''],
      args: ['-c'],
      ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
      envFrom: [{ prefix: 'CM_', configMapRef: { name: 'settings' } }],
      env: [
        { name: 'PLAIN', value: 'x' },
        { name: 'FROM_SECRET', valueFrom: { secretKeyRef: { name: 'creds', key: 'token', optional: false } } },
        { name: 'POD', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
      ],
      resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '0' } },
      volumeMounts: [{ name: 'data', readOnly: true, mountPath: '/data' }],
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      imagePullPolicy: 'IfNotPresent',
      securityContext: { capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] }, privileged: false, runAsUser: 1000 },
      tty: true,
    });
  });
});

describe('decodeKubernetesProtobuf: wire-level behaviour', () => {
  test('unknown fields of every wire type are skipped, at every level', () => {
    const raw = concat(
      fixed64(99, 1n),
      meta(s(1, 'c'), fixed32(500, 7), v(501, 2n ** 63n), m(502, s(1, 'nested unknown'))),
      mapEntry(2, 'k', concat(s(2, 'v'), v(3, 1))),
      s(1000, 'unknown at top level'),
    );
    const body = concat(envelope('v1', 'ConfigMap', raw), v(77, 1));
    assert.deepEqual(decodeKubernetesProtobuf(body), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { k: 'v' } });
  });

  test('a singular message sent twice is merged, as protobuf requires', () => {
    const raw = concat(meta(s(1, 'first'), mapEntry(11, 'a', s(2, '1'))), meta(s(3, 'ns'), mapEntry(11, 'b', s(2, '2'))));
    assert.deepEqual(decodeKubernetesProtobuf(envelope('v1', 'Namespace', raw)).metadata, { name: 'first', namespace: 'ns', labels: { a: '1', b: '2' } });
  });

  test('a singular scalar sent twice keeps the last value, and so does a repeated map key', () => {
    const raw = concat(meta(s(1, 'a'), s(1, 'b')), mapEntry(2, 'k', s(2, 'old')), mapEntry(2, 'k', s(2, 'new')));
    const decoded = decodeKubernetesProtobuf(envelope('v1', 'ConfigMap', raw));
    assert.equal(decoded.metadata.name, 'b');
    assert.deepEqual(decoded.data, { k: 'new' });
  });

  test('map entries without key or value default to empty strings; __proto__ stays a plain key', () => {
    const raw = concat(meta(s(1, 'c')), m(2, s(2, 'no key')), m(2, s(1, 'no-value')), mapEntry(2, '__proto__', s(2, 'x')));
    const data = decodeKubernetesProtobuf(envelope('v1', 'ConfigMap', raw)).data as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(data), Object.prototype);
    assert.deepEqual(Object.entries(data), [['', 'no key'], ['no-value', ''], ['__proto__', 'x']]);
  });

  test('secret data is base64 (standard alphabet, padded); stringData and immutable pass through', () => {
    const raw = concat(meta(s(1, 's')), v(5, false), mapEntry(2, 'bin', b(2, Uint8Array.of(0xfb, 0xff, 0x00))), mapEntry(4, 'plain', s(2, 'text')), s(3, 'Opaque'));
    const secret = decodeKubernetesProtobuf(envelope('v1', 'Secret', raw));
    assert.deepEqual(secret, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, immutable: false, data: { bin: '+/8A' }, stringData: { plain: 'text' }, type: 'Opaque' });
  });

  test('a missing raw field gives an object with empty metadata', () => {
    const body = concat(Uint8Array.of(0x6b, 0x38, 0x73, 0x00), m(1, s(1, 'v1'), s(2, 'Namespace')));
    assert.deepEqual(decodeKubernetesProtobuf(body), { apiVersion: 'v1', kind: 'Namespace', metadata: {} });
  });

  test('int64 values in the safe range, negative ones included, become numbers', () => {
    const raw = concat(meta(s(1, 'p'), v(10, -1)), m(2, m(3, m(2, m(2, s(1, 'c')), v(4, 2 ** 53 - 1)))));
    const d = decodeKubernetesProtobuf(envelope('apps/v1', 'Deployment', raw));
    assert.equal(d.metadata.deletionGracePeriodSeconds, -1);
    assert.equal((d.spec as { template: { spec: { terminationGracePeriodSeconds: number } } }).template.spec.terminationGracePeriodSeconds, 2 ** 53 - 1);
  });

  test('the envelope tag bytes are what kubectl writes', () => {
    // Guards the test encoder itself against drifting from the captured bytes: 0x0a = field 1, LEN.
    assert.deepEqual([...tag(1, 2)], [0x0a]);
    assert.deepEqual([...envelope('v1', 'X', new Uint8Array()).subarray(0, 6)], [0x6b, 0x38, 0x73, 0x00, 0x0a, 0x07]);
  });
});
