import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ELASTIC_POOL, POOL_LABEL, burstModeOf, validateBurstLabels } from '../../api/bursting.ts';
import type { Node, Pod } from '../common/types.ts';
import { node, pod } from '../testing/fixtures.ts';
import { AUTO_REGULAR_BONUS, ErrReasonElasticOff, ErrReasonNotElastic } from './burst.ts';
import { schedulePod } from './schedule.ts';

function elastic(name: string): Node {
  const n = node(name);
  n.metadata.labels = { ...n.metadata.labels, [POOL_LABEL]: ELASTIC_POOL };
  n.spec = { taints: [{ key: POOL_LABEL, value: ELASTIC_POOL, effect: 'NoSchedule' }] };
  return n;
}

function wanting(cpu: string): Pod {
  const p = pod('web-1');
  p.spec = { containers: [{ name: 'c', resources: { requests: { cpu, memory: '1Gi' } } }] };
  p.status = { phase: 'Pending' };
  return p;
}

function running(name: string, nodeName: string, cpu: string): Pod {
  const p = wanting(cpu);
  p.metadata.name = name;
  p.spec = { ...p.spec, nodeName };
  p.status = { phase: 'Running' };
  return p;
}

const nodes = () => [node('regular'), elastic('burst')];
const placed = (r: ReturnType<typeof schedulePod>) => (r.kind === 'scheduled' ? r.node : r.message);

test('off (and no label): never the elastic pool, even when the regular nodes are full', () => {
  assert.equal(placed(schedulePod(wanting('1'), nodes(), [])), 'regular');
  const full = schedulePod(wanting('1'), nodes(), [running('hog', 'regular', '4')], { burst: 'off' });
  assert.equal(full.kind, 'unschedulable');
  assert.match(placed(full), new RegExp(`1 ${ErrReasonElasticOff.replace(/[()]/g, '\\$&')}`));
  assert.match(placed(full), /1 Insufficient cpu/);
});

test('off: a pod tolerating everything is still kept off the elastic pool', () => {
  const p = wanting('1');
  p.spec = { ...p.spec, tolerations: [{ operator: 'Exists' }] };
  assert.equal(schedulePod(p, [elastic('burst')], []).kind, 'unschedulable');
});

test('localPrefer: regular nodes first, the elastic pool when they are full', () => {
  assert.equal(placed(schedulePod(wanting('1'), nodes(), [], { burst: 'localPrefer' })), 'regular');
  assert.equal(placed(schedulePod(wanting('1'), nodes(), [running('hog', 'regular', '4')], { burst: 'localPrefer' })), 'burst');
});

test('enforce: only the elastic pool, and a clear message when it has no room or no nodes', () => {
  assert.equal(placed(schedulePod(wanting('1'), nodes(), [], { burst: 'enforce' })), 'burst');
  const none = schedulePod(wanting('1'), [node('regular')], [], { burst: 'enforce' });
  assert.equal(placed(none), `0/1 nodes are available: 1 ${ErrReasonNotElastic}. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling..`); // kube-scheduler doubles the period too
});

test('auto: regular nodes win unless they are much fuller than the pool', () => {
  assert.equal(placed(schedulePod(wanting('100m'), nodes(), [running('some', 'regular', '1')], { burst: 'auto' })), 'regular');
  // regular at 3.5 of 4 CPUs: its LeastAllocated score is far below the empty pool's, past the bonus.
  assert.equal(placed(schedulePod(wanting('100m'), nodes(), [running('most', 'regular', '3500m')], { burst: 'auto' })), 'burst');
  assert.ok(AUTO_REGULAR_BONUS > 0);
});

test('burstModeOf and validation: both label spellings, the four values, a 422 for others', () => {
  assert.equal(burstModeOf({ 'virtual-kubelet.io/burst-to-cci': 'enforce' }), 'enforce');
  assert.equal(burstModeOf({ 'bursting.cci.io/burst-to-cci': 'localPrefer' }), 'localPrefer');
  assert.equal(burstModeOf({ app: 'x' }), undefined);
  assert.deepEqual(validateBurstLabels({ 'virtual-kubelet.io/burst-to-cci': 'auto' }, 'metadata.labels'), []);
  const [err] = validateBurstLabels({ 'virtual-kubelet.io/burst-to-cci': 'always' }, 'metadata.labels');
  assert.equal(err?.field, 'metadata.labels[virtual-kubelet.io/burst-to-cci]');
  assert.match(err?.message ?? '', /Unsupported value: "always": supported values: "off", "localPrefer", "auto", "enforce"/);
});
