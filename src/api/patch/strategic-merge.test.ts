import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject, JsonValue } from '../object.ts';
import { PatchError, PatchErrorCode } from './errors.ts';
import { strategicMerge } from './strategic-merge.ts';
import { deploymentSchema, resolver, widgetSchema } from './testing/schemas.ts';

const smp = (original: JsonValue, patch: JsonValue): JsonValue => strategicMerge(original, patch, deploymentSchema, resolver);
const podSpec = (spec: JsonObject): JsonObject => ({ spec: { template: { spec } } });
const at = (value: JsonValue | undefined, ...path: string[]): JsonValue | undefined =>
  path.reduce<JsonValue | undefined>((v, key) => (v as JsonObject | undefined)?.[key], value);
const containersOf = (obj: JsonValue): JsonValue | undefined => at(obj, 'spec', 'template', 'spec', 'containers');
const names = (list: JsonValue | undefined): JsonValue[] => (list as JsonObject[]).map((c) => c.name ?? null);

function rejects(fn: () => unknown, code: string, status: number, message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof PatchError);
    assert.equal(err.code, code);
    assert.equal(err.status, status);
    assert.match(err.message, message);
    return true;
  });
}

describe('strategicMerge: the kubectl apply patch', () => {
  const live: JsonObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'foo', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"old":true}\n', other: 'x' } },
    spec: {
      replicas: 1,
      template: {
        metadata: { labels: { app: 'foo' } },
        spec: {
          containers: [{ name: 'web', image: 'nginx:1.25', ports: [{ containerPort: 80, protocol: 'TCP' }], imagePullPolicy: 'IfNotPresent' }],
          restartPolicy: 'Always',
        },
      },
    },
  };

  test('merges containers by name, sets replicas and the annotation', () => {
    const patch = {
      metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"new":true}\n' } },
      spec: {
        replicas: 3,
        template: { spec: { '$setElementOrder/containers': [{ name: 'web' }], containers: [{ image: 'nginx:1.26', name: 'web' }] } },
      },
    };
    const out = smp(live, patch) as JsonObject;
    assert.deepEqual(out.metadata, {
      name: 'foo',
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"new":true}\n', other: 'x' },
    });
    assert.equal((out.spec as JsonObject).replicas, 3);
    assert.deepEqual(containersOf(out), [
      { name: 'web', image: 'nginx:1.26', ports: [{ containerPort: 80, protocol: 'TCP' }], imagePullPolicy: 'IfNotPresent' },
    ]);
    assert.equal(at(out, 'spec', 'template', 'spec', 'restartPolicy'), 'Always');
  });

  test('"ports": null inside a container removes the ports', () => {
    const out = smp(live, podSpec({ containers: [{ name: 'web', ports: null }] }));
    assert.deepEqual(containersOf(out), [{ name: 'web', image: 'nginx:1.25', imagePullPolicy: 'IfNotPresent' }]);
  });

  test('does not modify its inputs', () => {
    const before = structuredClone(live);
    const patch = podSpec({ containers: [{ name: 'web', image: 'x' }, { name: 'side', image: 'y' }] });
    const patchBefore = structuredClone(patch);
    const out = smp(live, patch) as JsonObject;
    assert.deepEqual(live, before);
    assert.deepEqual(patch, patchBefore);
    (containersOf(out) as JsonObject[])[0]!.image = 'mutated';
    assert.deepEqual(live, before);
  });
});

describe('strategicMerge: lists of maps with a merge key', () => {
  const three = podSpec({ containers: [{ name: '1' }, { name: '2', image: 'b' }, { name: '3' }] });

  test('preserves the patch order for patched items, live order for the others (k8s test table)', () => {
    const out = smp(three, podSpec({ containers: [{ name: '3', image: 'c' }, { name: '1', image: 'a' }] }));
    assert.deepEqual(containersOf(out), [{ name: '2', image: 'b' }, { name: '3', image: 'c' }, { name: '1', image: 'a' }]);
    const all = smp(three, podSpec({ containers: [{ name: '3', image: 'c' }, { name: '1', image: 'a' }, { name: '2', imagePullPolicy: 'x' }] }));
    assert.deepEqual(names(containersOf(all)), ['3', '1', '2']);
  });

  test('$setElementOrder orders new and server-only items', () => {
    const live = podSpec({ containers: [{ name: '1', args: ['a'] }, { name: '2', image: '2' }] });
    const out = smp(live, podSpec({
      '$setElementOrder/containers': [{ name: '4' }, { name: '1' }, { name: '2' }, { name: '3' }],
      containers: [{ name: '4', image: '4' }, { name: '3', image: '3' }],
    }));
    assert.deepEqual(containersOf(out), [{ name: '4', image: '4' }, { name: '1', args: ['a'] }, { name: '2', image: '2' }, { name: '3', image: '3' }]);
  });

  test('$setElementOrder alone reorders; items it does not name keep their live neighbours', () => {
    const out = smp(three, podSpec({ '$setElementOrder/containers': [{ name: '3' }, { name: '1' }] }));
    assert.deepEqual(names(containersOf(out)), ['2', '3', '1']);
  });

  test('$setElementOrder that contradicts the patch list is an error', () => {
    rejects(
      () => smp(three, podSpec({ '$setElementOrder/containers': [{ name: '1' }, { name: '2' }, { name: '3' }], containers: [{ name: '3' }, { name: '1' }] })),
      PatchErrorCode.InvalidDirective, 500, /doesn't match \$setElementOrder list/,
    );
  });

  test('$patch: delete removes every matching element', () => {
    const out = smp(three, podSpec({ containers: [{ name: '2', $patch: 'delete' }, { name: '9', $patch: 'delete' }] }));
    assert.deepEqual(names(containersOf(out)), ['1', '3']);
  });

  test('$patch: replace replaces the whole list', () => {
    const out = smp(three, podSpec({ containers: [{ $patch: 'replace' }, { name: 'only', image: 'i', ports: null }] }));
    assert.deepEqual(containersOf(out), [{ name: 'only', image: 'i' }]);
    assert.deepEqual(containersOf(smp(three, podSpec({ containers: [{ $patch: 'replace' }] }))), []);
  });

  test('$patch: merge on an element is the default merge', () => {
    const out = smp(three, podSpec({ containers: [{ name: '2', image: 'B', $patch: 'merge' }] }));
    assert.deepEqual((containersOf(out) as JsonObject[])[1], { name: '2', image: 'B' });
  });

  test('an unknown $patch value is rejected', () => {
    rejects(() => smp(three, podSpec({ containers: [{ name: '2', $patch: 'explode' }] })), PatchErrorCode.InvalidDirective, 500, /unknown patch type: explode/);
  });

  test('an element without the merge key is rejected', () => {
    rejects(() => smp(three, podSpec({ containers: [{ image: 'x' }] })), PatchErrorCode.MergeKeyMissing, 500, /does not contain declared merge key: name/);
  });

  test('nested merge lists merge by their own key (ports by containerPort, env by name)', () => {
    const live = podSpec({ containers: [{ name: 'web', ports: [{ containerPort: 80 }], env: [{ name: 'A', value: '1' }] }] });
    const out = smp(live, podSpec({ containers: [{ name: 'web', ports: [{ containerPort: 443 }], env: [{ name: 'A', value: null }, { name: 'B', value: '2' }] }] }));
    // Without $setElementOrder a new item goes before the live ones (mergeSortedSlice takes the patch side).
    assert.deepEqual(containersOf(out), [{ name: 'web', ports: [{ containerPort: 443 }, { containerPort: 80 }], env: [{ name: 'A' }, { name: 'B', value: '2' }] }]);
  });

  test('a new element without $setElementOrder goes first, as in Kubernetes; with it, where it says', () => {
    const live = podSpec({ containers: [{ name: 'a' }, { name: 'b' }] });
    assert.deepEqual(names(containersOf(smp(live, podSpec({ containers: [{ name: 'c' }] })))), ['c', 'a', 'b']);
    const ordered = smp(live, podSpec({ '$setElementOrder/containers': [{ name: 'a' }, { name: 'b' }, { name: 'c' }], containers: [{ name: 'c' }] }));
    assert.deepEqual(names(containersOf(ordered)), ['a', 'b', 'c']);
  });

  test('new elements lose their nulls and directives', () => {
    const out = smp(podSpec({ containers: [] }), podSpec({ containers: [{ name: 'n', image: null, env: [{ name: 'x', $patch: 'delete' }] }] }));
    assert.deepEqual(containersOf(out), [{ name: 'n', env: [] }]);
  });

  test('$retainKeys drops the keys it does not list (volumes: merge,retainKeys)', () => {
    const live = podSpec({ volumes: [{ name: 'v', emptyDir: {} }, { name: 'w', configMap: { name: 'c' } }] });
    const out = smp(live, podSpec({ volumes: [{ name: 'v', hostPath: { path: '/data' }, $retainKeys: ['hostPath', 'name'] }] }));
    assert.deepEqual(at(out, 'spec', 'template', 'spec', 'volumes'), [{ name: 'v', hostPath: { path: '/data' } }, { name: 'w', configMap: { name: 'c' } }]);
  });

  test('$retainKeys must list every key the patch sets', () => {
    const live = podSpec({ volumes: [{ name: 'v', emptyDir: {} }] });
    rejects(() => smp(live, podSpec({ volumes: [{ name: 'v', hostPath: { path: '/' }, $retainKeys: ['name'] }] })), PatchErrorCode.InvalidPatch, 400, /invalid patch format of retainKeys/);
    rejects(() => smp(live, podSpec({ volumes: [{ name: 'v', $retainKeys: 'name' }] })), PatchErrorCode.InvalidPatch, 400, /retainKeys/);
  });
});

describe('strategicMerge: lists of primitives with strategy merge (finalizers)', () => {
  const meta = (finalizers: JsonValue): JsonObject => ({ metadata: { finalizers } });
  const finalizersOf = (obj: JsonValue): JsonValue | undefined => ((obj as JsonObject).metadata as JsonObject).finalizers;

  test('union without duplicates, live order first', () => {
    assert.deepEqual(finalizersOf(smp(meta(['a', 'b']), meta(['b', 'c']))), ['a', 'b', 'c']);
    assert.deepEqual(finalizersOf(smp(meta([1, 2]), meta([2, 3]))), [1, 2, 3]);
  });

  test('patch order wins for the items it names (k8s test table)', () => {
    assert.deepEqual(finalizersOf(smp(meta([1, 2, 3]), meta([3, 1]))), [2, 3, 1]);
    assert.deepEqual(finalizersOf(smp(meta([1, 2, 3]), meta([3, 1, 2]))), [3, 1, 2]);
  });

  test('$deleteFromPrimitiveList removes every occurrence; with $setElementOrder', () => {
    const out = smp(meta([1, 2, 3, 3, 4]), { metadata: { '$setElementOrder/finalizers': [1, 2], '$deleteFromPrimitiveList/finalizers': [3] } });
    assert.deepEqual(finalizersOf(out), [1, 2, 4]);
    const added = smp(meta([1, 2, 3]), { metadata: { '$setElementOrder/finalizers': [1, 2, 4], '$deleteFromPrimitiveList/finalizers': [3], finalizers: [4] } });
    assert.deepEqual(finalizersOf(added), [1, 2, 4]);
  });

  test('$setElementOrder naming items that are absent keeps the present ones in that order', () => {
    assert.deepEqual(finalizersOf(smp(meta([1, 3]), { metadata: { '$setElementOrder/finalizers': [3, 2, 1] } })), [3, 1]);
  });

  test('a $patch: replace element replaces the list', () => {
    assert.deepEqual(finalizersOf(smp(meta(['a', 'b']), meta([{ $patch: 'replace' }, 'c']))), ['c']);
  });

  test('malformed directives are 400s', () => {
    rejects(() => smp(meta(['a']), { metadata: { '$deleteFromPrimitiveList/finalizers': 'a' } }), PatchErrorCode.InvalidPatch, 400, /primitive list/);
    rejects(() => smp(meta(['a']), { metadata: { $deleteFromPrimitiveList: ['a'] } }), PatchErrorCode.InvalidPatch, 400, /primitive list/);
    rejects(() => smp(meta(['a']), { metadata: { '$setElementOrder/finalizers': 'a' } }), PatchErrorCode.InvalidPatch, 400, /setElementOrder/);
  });

  test('mixed element types and lists of lists are rejected', () => {
    rejects(() => smp(meta(['a']), meta([1])), PatchErrorCode.InvalidDirective, 500, /not identical/);
    rejects(() => smp(meta(['a']), meta([['b']])), PatchErrorCode.UnsupportedList, 422, /lists of lists/);
  });
});

describe('strategicMerge: maps and replaced values', () => {
  test('lists without a merge strategy are replaced (atomic tolerations, args)', () => {
    const live = podSpec({ tolerations: [{ key: 'a' }, { key: 'b' }], containers: [{ name: 'c', args: ['x', 'y'] }] });
    const out = smp(live, podSpec({ tolerations: [{ key: 'z', value: null }], containers: [{ name: 'c', args: ['q'] }] })) as JsonObject;
    const spec = at(out, 'spec', 'template', 'spec') as JsonObject;
    assert.deepEqual(spec.tolerations, [{ key: 'z' }]);
    assert.deepEqual(spec.containers, [{ name: 'c', args: ['q'] }]);
  });

  test('labels merge like a JSON merge patch, null deletes', () => {
    const out = smp({ metadata: { labels: { a: '1', b: '2' } } }, { metadata: { labels: { a: null, c: '3', zz: null } } });
    assert.deepEqual(out, { metadata: { labels: { b: '2', c: '3' } } });
  });

  test('$patch: replace on a map replaces it, $patch: delete empties it, $patch: merge merges', () => {
    const live = { metadata: { labels: { a: '1', b: '2' } } };
    assert.deepEqual(smp(live, { metadata: { labels: { $patch: 'replace', c: '3', d: null } } }), { metadata: { labels: { c: '3' } } });
    assert.deepEqual(smp(live, { metadata: { labels: { $patch: 'delete' } } }), { metadata: { labels: {} } });
    assert.deepEqual(smp(live, { metadata: { labels: { $patch: 'merge', c: '3' } } }), { metadata: { labels: { a: '1', b: '2', c: '3' } } });
    rejects(() => smp(live, { metadata: { labels: { $patch: 'nope' } } }), PatchErrorCode.InvalidDirective, 500, /unknown patch type: nope/);
  });

  test('a value of another type replaces; nulls for absent keys are ignored', () => {
    assert.deepEqual(smp({ spec: { replicas: 1 } }, { spec: { replicas: '2', paused: null } }), { spec: { replicas: '2' } });
    assert.deepEqual(smp({ spec: { strategy: 'x' } }, { spec: { strategy: { type: 'Recreate', rollingUpdate: null } } }), { spec: { strategy: { type: 'Recreate' } } });
  });

  test('fields without schema merge like a JSON merge patch', () => {
    const live = { spec: { size: 1, config: { a: { b: 1, c: [1, 2] }, keep: true } }, extra: { x: [1] } };
    const out = strategicMerge(live, { spec: { config: { a: { b: null, c: [3] } } }, extra: { x: [2], y: { z: null } } }, widgetSchema, resolver);
    assert.deepEqual(out, { spec: { size: 1, config: { a: { c: [3] }, keep: true } }, extra: { x: [2], y: {} } });
  });

  test('the patch must be an object; null changes nothing', () => {
    rejects(() => smp({}, [1]), PatchErrorCode.InvalidPatch, 400, /cannot unmarshal array into Go value of type map/);
    assert.deepEqual(smp({ a: 1 }, {}), { a: 1 });
    assert.deepEqual(smp({ a: 1 }, null), { a: 1 });
  });
});
