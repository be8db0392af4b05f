// Issue 5 sections 1 and 5 at admission, through the real server with the real kubectl: ECI's
// registry annotations (../shared/seeds/003_62dc9a9d57294cba.txt) and CCE's EIP annotations
// (../shared/seeds/000_25c65c1b0ae2616a.txt). The api part's registry rules are also cross-checked
// against the node's parser (src/image/registry/host-list.ts): whatever admission accepts, the
// node must accept too.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { registryListProblems } from '../src/api/validation/registry-annotations.ts';
import { parseHostList } from '../src/image/registry/host-list.ts';
import { startTestControlPlane } from './fixtures/control-plane.ts';
import type { TestControlPlane } from './fixtures/control-plane.ts';

const SEED_DEPLOYMENT = readFileSync(join(import.meta.dirname, 'manifests', 'seed-deployment.yaml'), 'utf8');
const PLAIN_HTTP = 'k8s.aliyun.com/plain-http-registry';

function deployment(name: string, annotations: Record<string, string>): string {
  const lines = Object.entries(annotations).map(([k, v]) => `        ${k}: ${JSON.stringify(v)}`);
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
      annotations:
${lines.join('\n')}
    spec:
      containers:
      - name: c
        image: reg.example.com/nginx:latest
`;
}

function pod(name: string, annotations: Record<string, string>): string {
  const lines = Object.entries(annotations).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`);
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  annotations:
${lines.join('\n')}
spec:
  containers:
  - name: c
    image: reg.example.com/nginx:latest
`;
}

describe('registry and EIP annotation admission (kubectl 1.32)', () => {
  let cp: TestControlPlane;
  const create = (stdin: string) => cp.kubectl(32, ['create', '-f', '-'], { stdin });
  before(async () => {
    cp = await startTestControlPlane();
  });
  after(async () => {
    await cp.close();
  });

  test("seed 000's Deployment, with its EIP annotations, is accepted as written", async () => {
    const result = await create(SEED_DEPLOYMENT);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), 'deployment.apps/foo created');
  });

  test('an unsupported charge mode is a 422 listing the supported ones', async () => {
    const result = await create(deployment('x', { 'yangtse.io/pod-with-eip': 'true', 'yangtse.io/eip-charge-mode': 'monthly' }));
    assert.notEqual(result.code, 0);
    assert.equal(
      result.stderr.trim(),
      'The Deployment "x" is invalid: spec.template.metadata.annotations[yangtse.io/eip-charge-mode]: Unsupported value: "monthly": supported values: "bandwidth", "traffic"',
    );
  });

  test("seed 003's registry lists are accepted on a workload's pod template", async () => {
    const result = await create(deployment('regs', { [PLAIN_HTTP]: '192.168.1.10:5000', 'k8s.aliyun.com/insecure-registry': 'harbor.pre.com, *.test.com:80' }));
    assert.equal(result.code, 0, result.stderr);
  });

  test('a scheme in the plain-http list is refused, naming the item', async () => {
    const result = await create(pod('p', { [PLAIN_HTTP]: 'http://reg.example.com' }));
    assert.notEqual(result.code, 0);
    assert.equal(
      result.stderr.trim(),
      'The Pod "p" is invalid: metadata.annotations[k8s.aliyun.com/plain-http-registry]: Invalid value: "http://reg.example.com": ' +
        'item "http://reg.example.com": must not have a scheme ("http://"): name a registry as host, host:port, *.domain or *.domain:port',
    );
  });

  test("a Pod's plain-http annotation cannot be changed after creation; other annotations can", async () => {
    const created = await create(pod('keep', { [PLAIN_HTTP]: 'reg.example.com' }));
    assert.equal(created.code, 0, created.stderr);
    const changed = await cp.kubectl(32, ['annotate', '--overwrite', 'pod', 'keep', `${PLAIN_HTTP}=other.example.com`]);
    assert.notEqual(changed.code, 0);
    assert.match(
      changed.stderr,
      /The Pod "keep" is invalid: metadata\.annotations\[k8s\.aliyun\.com\/plain-http-registry\]: Invalid value: "other\.example\.com": field is immutable: the registry annotations are read only when the pod is created/,
    );
    const removed = await cp.kubectl(32, ['annotate', 'pod', 'keep', `${PLAIN_HTTP}-`]);
    assert.notEqual(removed.code, 0);
    assert.match(removed.stderr, /field is immutable/);
    const other = await cp.kubectl(32, ['annotate', 'pod', 'keep', 'note=hi']);
    assert.equal(other.code, 0, other.stderr);
    const stored = await cp.kubectl(32, ['get', 'pod', 'keep', '-o', 'jsonpath={.metadata.annotations.k8s\\.aliyun\\.com/plain-http-registry}']);
    assert.equal(stored.stdout, 'reg.example.com');
  });

  test("a workload's pod template may change them (they apply to new pods)", async () => {
    const result = await cp.kubectl(32, ['patch', 'deployment', 'regs', '--type=merge', '-p', JSON.stringify({ spec: { template: { metadata: { annotations: { [PLAIN_HTTP]: 'new.example.com:8080' } } } } })]);
    assert.equal(result.code, 0, result.stderr);
  });

  test('an ImageCache with a bad registry item is refused', async () => {
    const manifest = `apiVersion: eci.alibabacloud.com/v1
kind: ImageCache
metadata:
  name: ic
  annotations:
    k8s.aliyun.com/insecure-registry: "harbor.pre.com/library"
spec:
  images:
  - harbor.pre.com/library/nginx:latest
`;
    const result = await create(manifest);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /metadata\.annotations\[k8s\.aliyun\.com\/insecure-registry\]: Invalid value: "harbor\.pre\.com\/library": item "harbor\.pre\.com\/library": must not have a path/);
  });
});

describe("what admission accepts, the node's host list parses", () => {
  for (const value of ['harbor.pre.com,192.168.1.10:5000,reg.test.com:80', '*.example.com:443', '[::1]:5000, [fd00::1]', 'Reg.Example.COM,localhost']) {
    test(value, () => {
      assert.deepEqual(registryListProblems(value), []);
      assert.doesNotThrow(() => parseHostList(value));
    });
  }
});
