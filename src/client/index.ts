// The client part (ARCHITECTURE.md): how controllers, the scheduler and the node agent reach any
// Kubernetes API server.
export { createClient, clientFromKubeconfig, inClusterClient, KubeClient } from './rest-client.ts';
export type { ServerVersion } from './rest-client.ts';
export type { ClientOptions, HttpRequest, QueryValue } from './transport.ts';
export { defaultKubeconfigPath, loadInClusterConfig, loadKubeconfig } from './kubeconfig.ts';
export { ResourceClient } from './resource-client.ts';
export type { CallOptions, DeleteOptions, ListOptions, ObjectInput, ObjectList, PatchOptions, PatchType, Scale, Selector, WatchOptions, WriteOptions } from './resource-client.ts';
export { apiVersionOf, refFor, resourcePath } from './resource-ref.ts';
export type { ResourceRef } from './resource-ref.ts';
export type { Watch, WatchEvent, WatchEventType } from './watch.ts';
export {
  ApiStatusError,
  ClientError,
  ClientErrorCode,
  isAlreadyExists,
  isApiStatus,
  isConflict,
  isForbidden,
  isGone,
  isInvalid,
  isNotFound,
  isTooManyRequests,
} from './errors.ts';
export type { ApiStatus, StatusCause, StatusDetails } from './errors.ts';
export { EventRecorder, referenceTo } from './events.ts';
export type { EventRecorderOptions, EventType, ObjectReference } from './events.ts';
export { CacheStore, deepFreeze, keyOf, splitKey } from './cache-store.ts';
export type { IndexFunc } from './cache-store.ts';
export { Informer } from './informer.ts';
export type { EventHandler, InformerOptions } from './informer.ts';
export { WorkQueue } from './work-queue.ts';
export type { WorkQueueOptions } from './work-queue.ts';
export { BucketRateLimiter, defaultControllerRateLimiter, ItemExponentialFailureRateLimiter, MaxOfRateLimiter } from './rate-limiter.ts';
export type { RateLimiter } from './rate-limiter.ts';
export { LeaderElector } from './leader-election.ts';
export type { Lease, LeaseSpec, LeaderElectionOptions } from './leader-election.ts';
