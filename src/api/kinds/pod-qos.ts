// A pod's QoS class, set in status.qosClass on create and shown by `kubectl describe pod`.
// https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/core/helper/qos/qos.go (ComputePodQOS)
import type { JsonObject } from '../object.ts';
import { parseQuantity } from '../validation/quantity.ts';
import { asObject, objects } from './json-access.ts';

const QOS_RESOURCES = ['cpu', 'memory'];

export type QosClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

export function computeQosClass(spec: JsonObject): QosClass {
  const requests = new Map<string, bigint>();
  const limits = new Map<string, bigint>();
  let guaranteed = true;
  for (const c of [...objects(spec.containers), ...objects(spec.initContainers)]) {
    const resources = asObject(c.resources);
    addPositive(asObject(resources?.requests), requests);
    const found = addPositive(asObject(resources?.limits), limits);
    if (!QOS_RESOURCES.every((r) => found.has(r))) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, req] of requests) {
      if (limits.get(name) !== req) {
        guaranteed = false;
        break;
      }
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

function addPositive(list: JsonObject | undefined, into: Map<string, bigint>): Set<string> {
  const found = new Set<string>();
  for (const [name, raw] of Object.entries(list ?? {})) {
    if (!QOS_RESOURCES.includes(name)) continue;
    const q = parseQuantity(raw);
    if (q === undefined || q <= 0n) continue;
    found.add(name);
    into.set(name, (into.get(name) ?? 0n) + q);
  }
  return found;
}
