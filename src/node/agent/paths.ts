// Where the agent keeps things under its data directory, and the container id scheme that lets a
// restarted agent map runc containers back to pods:
//   <dataDir>/runtime/<id>/...                   the runtime's records (ContainerRuntime stateDir)
//   <dataDir>/containers/<id>/                   OCI bundle: config.json, rootfs (overlay), upper, work
//   <dataDir>/pods/<ns>_<name>_<uid>/<c>/<n>.log logs, Kubernetes' /var/log/pods layout
//   <dataDir>/content, <dataDir>/snapshots       the image engine's stores
// Container id: `<podUid>_<container>_<restartCount>`; uids and DNS-label names hold no `_`.
import { join } from 'node:path';

export interface ContainerKey {
  podUid: string;
  container: string;
  restartCount: number;
}

export function containerId(key: ContainerKey): string {
  return `${key.podUid}_${key.container}_${key.restartCount}`;
}

export function parseContainerId(id: string): ContainerKey | undefined {
  const m = /^([0-9a-fA-F-]{8,64})_([a-z0-9]([-a-z0-9]*[a-z0-9])?)_(\d+)$/.exec(id);
  if (m === null) return undefined;
  return { podUid: m[1] as string, container: m[2] as string, restartCount: Number(m[4]) };
}

export class AgentPaths {
  readonly dataDir: string;

  constructor(dataDir: string) {
    this.dataDir = dataDir;
  }

  get runtimeState(): string {
    return join(this.dataDir, 'runtime');
  }

  get content(): string {
    return join(this.dataDir, 'content');
  }

  get snapshots(): string {
    return join(this.dataDir, 'snapshots');
  }

  bundle(id: string): string {
    return join(this.dataDir, 'containers', id);
  }

  podLogDir(pod: { namespace: string; name: string; uid: string }): string {
    return join(this.dataDir, 'pods', `${pod.namespace}_${pod.name}_${pod.uid}`);
  }

  logPath(pod: { namespace: string; name: string; uid: string }, container: string, restartCount: number): string {
    return join(this.podLogDir(pod), container, `${restartCount}.log`);
  }
}
