// One informer per collection (and selector), shared by every controller of a controller
// manager, as client-go's SharedInformerFactory: the pods are listed and watched once, not once
// per controller.
// https://github.com/kubernetes/client-go/blob/master/informers/factory.go
import { Informer, refFor } from '../../client/index.ts';
import type { InformerOptions, KubeClient } from '../../client/index.ts';
import type { KindDefinition } from '../../api/kind.ts';
import type { KubeObject } from '../common/types.ts';

export class InformerFactory {
  readonly client: KubeClient;
  readonly #informers = new Map<string, Informer<KubeObject>>();
  readonly #onError: ((error: unknown) => void) | undefined;
  #started = false;

  constructor(client: KubeClient, onError?: (error: unknown) => void) {
    this.client = client;
    this.#onError = onError;
  }

  /** The shared informer for `kind` with this field selector; started if the factory already is. */
  informer<T extends KubeObject>(kind: KindDefinition, fieldSelector?: string): Informer<T> {
    const key = `${kind.group}/${kind.resource}?${fieldSelector ?? ''}`;
    let informer = this.#informers.get(key);
    if (informer === undefined) {
      const options: InformerOptions = { ...(fieldSelector === undefined ? {} : { fieldSelector }), ...(this.#onError === undefined ? {} : { onError: this.#onError }) };
      informer = new Informer<KubeObject>(this.client, refFor(kind), options);
      this.#informers.set(key, informer);
      if (this.#started) informer.start();
    }
    return informer as unknown as Informer<T>;
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    for (const informer of this.#informers.values()) informer.start();
  }

  stop(): void {
    for (const informer of this.#informers.values()) informer.stop();
  }
}
