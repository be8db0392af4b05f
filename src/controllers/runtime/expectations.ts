// Creations and deletions a controller has asked for but its informer has not shown yet, per
// owner key (client-go's UIDTrackingControllerExpectations): a sync that would act on a stale
// cache waits for them instead of creating or deleting twice. Expectations older than five
// minutes are ignored, so a lost watch event cannot stall an owner for ever.
// https://github.com/kubernetes/kubernetes/blob/master/pkg/controller/controller_utils.go (ControllerExpectations)
const EXPECTATIONS_TIMEOUT_MS = 5 * 60 * 1000;

interface Expectation {
  adds: number;
  /** Keys (`namespace/name`) of the pods whose deletion is awaited. */
  deletes: Set<string>;
  at: number;
}

export class Expectations {
  readonly #byOwner = new Map<string, Expectation>();

  /** True when nothing is awaited (or the record expired): the owner may be synced. */
  satisfied(owner: string): boolean {
    const e = this.#byOwner.get(owner);
    if (e === undefined) return true;
    if (e.adds <= 0 && e.deletes.size === 0) return true;
    return performance.now() - e.at > EXPECTATIONS_TIMEOUT_MS;
  }

  expect(owner: string, adds: number, deletes: readonly string[]): void {
    this.#byOwner.set(owner, { adds, deletes: new Set(deletes), at: performance.now() });
  }

  creationObserved(owner: string, count = 1): void {
    const e = this.#byOwner.get(owner);
    if (e !== undefined) e.adds -= count;
  }

  deletionObserved(owner: string, podKey: string): void {
    this.#byOwner.get(owner)?.deletes.delete(podKey);
  }

  forget(owner: string): void {
    this.#byOwner.delete(owner);
  }
}
