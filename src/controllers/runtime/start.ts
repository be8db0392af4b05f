// The controller manager: every controller and the scheduler over one set of shared informers,
// run only while this process holds the Lease kube-system/ferry-controller-manager, so several
// copies (one per apiserver replica) can run and exactly one acts. Losing the lease stops the
// controllers and campaigns again, with fresh caches.
// https://github.com/kubernetes/kubernetes/blob/master/cmd/kube-controller-manager/app/controllermanager.go
import { LeaderElector } from '../../client/index.ts';
import type { KubeClient } from '../../client/index.ts';
import type { Controller } from './controller.ts';
import { DeploymentController } from './deployment-controller.ts';
import { EipController } from './eip-controller.ts';
import { GarbageCollector } from './garbage-collector.ts';
import { ImageCacheController } from './imagecache-controller.ts';
import { NamespaceController } from './namespace-controller.ts';
import { InformerFactory } from './informer-factory.ts';
import { ReplicaSetController } from './replicaset-controller.ts';
import { Scheduler } from './scheduler.ts';
import { StatefulSetController } from './statefulset-controller.ts';

export const LEASE_NAMESPACE = 'kube-system';
export const LEASE_NAME = 'ferry-controller-manager';

export interface StartControllersOptions {
  client: KubeClient;
  /** Unique per copy (hostname plus a random suffix). */
  identity: string;
  /**
   * Default true. False runs only the garbage collector and the namespace controller, which
   * every cluster needs (tests of the API alone use this).
   */
  workloads?: boolean;
  /** Default true. Without it the controllers run at once, alone. */
  leaderElection?: boolean;
  /** Lease timings (defaults: client-go's 15 s / 10 s / 2 s). */
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** Failed syncs, lease writes and watches; they are retried. Nothing here logs. */
  onError?: (error: unknown, context: { controller: string; key?: string }) => void;
  /** Leadership changes, for the caller's log. */
  onLeader?: (leading: boolean) => void;
}

export interface RunningControllers {
  /** Whether this copy currently runs the controllers. */
  isLeading(): boolean;
  stop(): Promise<void>;
}

/** Builds and runs every controller until `signal` aborts; resolves once they have stopped. */
async function runAll(options: StartControllersOptions, signal: AbortSignal): Promise<void> {
  const onError = options.onError;
  const factory = new InformerFactory(options.client, onError === undefined ? undefined : (e) => onError(e, { controller: 'informer' }));
  const common = onError === undefined ? {} : { onError };
  const controllers: Controller[] = [
    new GarbageCollector(factory, common).controller,
    new NamespaceController(factory, common).controller,
    ...(options.workloads === false ? [] : [
      new ReplicaSetController(factory, common).controller,
      new DeploymentController(factory, common).controller,
      new StatefulSetController(factory, common).controller,
      new Scheduler(factory, common).controller,
      new ImageCacheController(factory, common).controller,
      new EipController(factory, common).controller,
    ]),
  ];
  factory.start();
  await Promise.all(controllers.map((c) => c.start(signal)));
  if (!signal.aborted) await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  await Promise.all(controllers.map((c) => c.stop()));
  factory.stop();
}

export function startControllers(options: StartControllersOptions): RunningControllers {
  const abort = new AbortController();
  let leading = false;
  let running: Promise<void>;
  if (options.leaderElection === false) {
    leading = true;
    running = runAll(options, abort.signal);
  } else {
    running = (async () => {
      while (!abort.signal.aborted) {
        let work: Promise<void> = Promise.resolve();
        const elector = new LeaderElector({
          client: options.client,
          namespace: LEASE_NAMESPACE,
          name: LEASE_NAME,
          identity: options.identity,
          ...(options.leaseDurationMs === undefined ? {} : { leaseDurationMs: options.leaseDurationMs }),
          ...(options.renewDeadlineMs === undefined ? {} : { renewDeadlineMs: options.renewDeadlineMs }),
          ...(options.retryPeriodMs === undefined ? {} : { retryPeriodMs: options.retryPeriodMs }),
          onStartedLeading: (leadership) => {
            leading = true;
            options.onLeader?.(true);
            work = runAll(options, leadership);
          },
          onStoppedLeading: () => {
            leading = false;
            options.onLeader?.(false);
          },
          onError: (e) => options.onError?.(e, { controller: 'leader-election' }),
        });
        await elector.run(abort.signal);
        await work;
      }
    })();
  }
  return {
    isLeading: () => leading,
    async stop() {
      abort.abort();
      await running;
    },
  };
}
