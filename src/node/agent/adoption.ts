// After an agent restart: the runtime's containers whose pod still exists are adopted (tracked as
// the pod's current instance, not restarted); the others are stopped and removed with their files,
// as the kubelet's pod workers kill orphaned pods (HandlePodCleanups).
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/pkg/kubelet/kubelet_pods.go (HandlePodCleanups)
import type { ContainerRuntime, ContainerStatus } from '../runtime/index.ts';
import type { PodNetwork } from '../network/index.ts';
import { parseContainerId } from './paths.ts';
import type { ContainerKey } from './paths.ts';
import { tracked } from './pod-record.ts';
import type { PodRecord } from './pod-record.ts';
import { timestamp } from './pod-types.ts';
import type { Pod } from './pod-types.ts';
import type { PodWorker } from './pod-worker.ts';

export interface AdoptionDeps {
  runtime: ContainerRuntime;
  worker: PodWorker;
  records: Map<string, PodRecord>;
  pods: (uid: string) => Pod | undefined;
  now: () => Date;
  network?: PodNetwork | undefined;
}

export async function adoptContainers(d: AdoptionDeps): Promise<void> {
  const byContainer = new Map<string, { key: ContainerKey; id: string; info: ContainerStatus }[]>();
  const orphans = new Map<string, { uid: string; namespace: string; name: string }>();
  for (const info of await d.runtime.listContainers()) {
    const key = parseContainerId(info.id);
    const pod = key === undefined ? undefined : d.pods(key.podUid);
    if (key === undefined || pod === undefined) {
      await d.runtime.removeContainer(info.id, { force: true });
      if (key !== undefined) orphans.set(key.podUid, { uid: key.podUid, namespace: '', name: '' });
      continue;
    }
    const k = `${key.podUid}/${key.container}`;
    byContainer.set(k, [...(byContainer.get(k) ?? []), { key, id: info.id, info }]);
  }
  for (const instances of byContainer.values()) {
    instances.sort((a, b) => b.key.restartCount - a.key.restartCount);
    const [latest, ...older] = instances;
    if (latest === undefined) continue;
    for (const old of older) await d.runtime.removeContainer(old.id, { force: true });
    const pod = d.pods(latest.key.podUid) as Pod;
    let rec = d.records.get(latest.key.podUid);
    if (rec === undefined) {
      rec = {
        uid: latest.key.podUid, namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name ?? '',
        startTime: pod.status?.startTime ?? timestamp(d.now()), containers: new Map(),
      };
      d.records.set(rec.uid, rec);
    }
    const t = tracked(rec, latest.key.container);
    const isInit = (pod.spec.initContainers ?? []).some((c) => c.name === latest.key.container);
    const statuses = (isInit ? pod.status?.initContainerStatuses : pod.status?.containerStatuses) ?? [];
    const previous = statuses.find((s) => s.name === latest.key.container);
    t.restartCount = latest.key.restartCount;
    t.current = { id: latest.id, imageID: previous?.imageID ?? '', startedAt: latest.info.startedAt };
    if (previous?.lastState.terminated !== undefined) t.lastTerminated = previous.lastState.terminated;
    // A completed init container stays completed: the pod's sync must not run it again.
    if (isInit && latest.info.state === 'exited' && latest.info.exitCode === 0) {
      t.done = true;
      t.terminated = {
        exitCode: 0, reason: 'Completed', containerID: `runc://${latest.id}`,
        ...(latest.info.startedAt === undefined ? {} : { startedAt: latest.info.startedAt }),
        ...(latest.info.finishedAt === undefined ? {} : { finishedAt: latest.info.finishedAt }),
      };
    }
  }
  // Pod files (logs, cgroups, network) of orphans: their namespace and name are unknown now, so only the cgroup and sandbox go.
  for (const o of orphans.values()) await d.worker.cleanupPod(o).catch(() => {});
  // Sandboxes: kept for the pods still here, torn down for the others (even those with no container left).
  for (const sandbox of (await d.network?.list()) ?? []) {
    const rec = d.records.get(sandbox.podUid);
    if (rec !== undefined) rec.sandbox = sandbox;
    else if (d.pods(sandbox.podUid) === undefined) await d.network?.tearDown(sandbox.podUid).catch(() => {});
  }
}
