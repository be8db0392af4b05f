// A small memo keyed by revision: every watcher of a kind gets the same event, so decoding it
// and serializing it once per revision instead of once per watcher keeps fan-out to hundreds of
// watchers cheap. Revisions are unique per write, so a key never names two different values.
export class RevisionMemo<T> {
  private readonly entries = new Map<string, T>();
  private readonly capacity: number;
  constructor(capacity = 512) {
    this.capacity = capacity;
  }

  get(key: string, make: () => T): T {
    const hit = this.entries.get(key);
    if (hit !== undefined) return hit;
    const value = make();
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return value;
  }
}
