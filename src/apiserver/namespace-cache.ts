// Namespaces in memory, kept current by a watch: every namespaced create checks that its
// namespace exists and is not terminating, and reading that from storage each time was a
// measurable share of a create's cost (bench:api).
import type { KindDefinition } from '../api/kind.ts';
import type { ObjectStore } from './object-store.ts';

export interface NamespaceState {
  terminating: boolean;
}

export class NamespaceCache {
  private readonly namespaces = new Map<string, NamespaceState>();
  private watch: { cancel(): void } | undefined;
  private synced = false;

  async start(objects: ObjectStore, kind: KindDefinition): Promise<void> {
    const page = await objects.list(kind, undefined);
    for (const ns of page.items) this.namespaces.set(ns.metadata.name ?? '', { terminating: ns.metadata.deletionTimestamp !== undefined });
    this.watch = objects.watch(
      kind,
      undefined,
      page.revision,
      (event) => {
        const name = event.object.metadata.name ?? '';
        if (event.type === 'DELETED') this.namespaces.delete(name);
        else this.namespaces.set(name, { terminating: event.object.metadata.deletionTimestamp !== undefined });
      },
      () => {
        // The store closed or the watch fell behind: answer from storage from now on.
        this.synced = false;
      },
    );
    this.synced = true;
  }

  /** Undefined when the cache cannot answer (not started, or its watch ended). */
  lookup(name: string): NamespaceState | null | undefined {
    if (!this.synced) return undefined;
    return this.namespaces.get(name) ?? null;
  }

  stop(): void {
    this.watch?.cancel();
    this.synced = false;
  }
}
