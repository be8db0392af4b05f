// The pod row of `kubectl get pods`: READY, STATUS and RESTARTS follow printPod exactly, since
// STATUS (ErrImagePull, ImagePullBackOff, CrashLoopBackOff...) is what users act on.
// https://github.com/kubernetes/kubernetes/blob/master/pkg/printers/internalversion/printers.go (printPod)
import type { JsonObject } from '../object.ts';
import type { KubeObject } from '../object.ts';
import { formatAge } from './age.ts';
import { asNumber, asObject, asString, getPath, objects } from './json-access.ts';

/** Set by the node lifecycle controller on pods of an unreachable node. */
const NODE_UNREACHABLE_REASON = 'NodeLost';

export interface PodRow {
  ready: string;
  status: string;
  restarts: string;
}

export function podRow(pod: KubeObject, now: Date): PodRow {
  const spec = asObject(pod.spec) ?? {};
  const status = asObject(pod.status) ?? {};
  const conditions = objects(status.conditions);
  const phase = asString(status.phase) ?? '';
  let reason = asString(status.reason) || phase;
  if (conditions.some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';

  const initSpecs = new Map(objects(spec.initContainers).map((c) => [asString(c.name) ?? '', c]));
  const isSidecar = (name: string) => asString(initSpecs.get(name)?.restartPolicy) === 'Always';
  const total = objects(spec.containers).length + [...initSpecs.keys()].filter(isSidecar).length;
  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart = 0;
  let lastSidecarRestart = 0;

  let initializing = false;
  const initStatuses = objects(status.initContainerStatuses);
  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i] as JsonObject;
    const name = asString(c.name) ?? '';
    const count = asNumber(c.restartCount) ?? 0;
    const finished = lastTerminatedAt(c);
    restarts += count;
    lastRestart = Math.max(lastRestart, finished);
    if (isSidecar(name)) {
      sidecarRestarts += count;
      lastSidecarRestart = Math.max(lastSidecarRestart, finished);
    }
    const terminated = asObject(getPath(c, 'state', 'terminated'));
    const waiting = asObject(getPath(c, 'state', 'waiting'));
    if (terminated !== undefined && (asNumber(terminated.exitCode) ?? 0) === 0) continue;
    if (isSidecar(name) && c.started === true) {
      if (c.ready === true) ready++;
      continue;
    }
    if (terminated !== undefined) {
      reason = `Init:${terminationReason(terminated)}`;
    } else if (waiting !== undefined && asString(waiting.reason) && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason as string}`;
    } else {
      reason = `Init:${i}/${initSpecs.size}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || conditions.some((c) => c.type === 'Initialized' && c.status === 'True')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = objects(status.containerStatuses);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i] as JsonObject;
      restarts += asNumber(c.restartCount) ?? 0;
      lastRestart = Math.max(lastRestart, lastTerminatedAt(c));
      const waiting = asObject(getPath(c, 'state', 'waiting'));
      const terminated = asObject(getPath(c, 'state', 'terminated'));
      if (waiting !== undefined && asString(waiting.reason)) reason = waiting.reason as string;
      else if (terminated !== undefined) reason = terminationReason(terminated);
      else if (c.ready === true && asObject(getPath(c, 'state', 'running')) !== undefined) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      reason = conditions.some((c) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
    }
  }

  const deleting = typeof pod.metadata.deletionTimestamp === 'string' && pod.metadata.deletionTimestamp !== '';
  if (deleting && status.reason === NODE_UNREACHABLE_REASON) reason = 'Unknown';
  else if (deleting && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  let restartsText = String(restarts);
  if (restarts !== 0 && lastRestart > 0) restartsText = `${restarts} (${formatAge(new Date(lastRestart).toISOString(), now)} ago)`;
  return { ready: `${ready}/${total}`, status: reason, restarts: restartsText };
}

/** `Reason`, else `Signal:N` or `ExitCode:N`. */
function terminationReason(terminated: JsonObject): string {
  const reason = asString(terminated.reason);
  if (reason) return reason;
  const signal = asNumber(terminated.signal) ?? 0;
  return signal !== 0 ? `Signal:${signal}` : `ExitCode:${asNumber(terminated.exitCode) ?? 0}`;
}

function lastTerminatedAt(status: JsonObject): number {
  const at = asString(getPath(status, 'lastState', 'terminated', 'finishedAt'));
  const t = at === undefined ? NaN : Date.parse(at);
  return Number.isNaN(t) ? 0 : t;
}

/** The wide columns: IP, Node, Nominated Node, Readiness Gates. */
export function podWideCells(pod: KubeObject): string[] {
  const spec = asObject(pod.spec) ?? {};
  const status = asObject(pod.status) ?? {};
  const ip = asString(objects(status.podIPs)[0]?.ip) || asString(status.podIP) || '<none>';
  const node = asString(spec.nodeName) || '<none>';
  const nominated = asString(status.nominatedNodeName) || '<none>';
  const gates = objects(spec.readinessGates);
  let readiness = '<none>';
  if (gates.length > 0) {
    const conditions = objects(status.conditions);
    const passed = gates.filter((g) => conditions.find((c) => c.type === g.conditionType)?.status === 'True').length;
    readiness = `${passed}/${gates.length}`;
  }
  return [ip, node, nominated, readiness];
}
