// Images pinned by ImageCaches on this node (issue 5 section 4): kept in `<dataDir>/image-pins.json`
// so a restarted agent still knows them, and exempt from the node's image garbage collection
// until their cache is deleted or expires.
import { readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { parseReference } from '../../image/index.ts';

export interface CachePins {
  name: string;
  generation: number;
  /** image as the cache names it -> digest pinned */
  images: Record<string, string>;
}

export class ImagePins {
  readonly #path: string;
  #pins: Record<string, CachePins>;
  #writing: Promise<void> = Promise.resolve();

  constructor(path: string) {
    this.#path = path;
    try {
      this.#pins = JSON.parse(readFileSync(path, 'utf8')) as Record<string, CachePins>;
    } catch {
      this.#pins = {};
    }
  }

  get(cacheUid: string): CachePins | undefined {
    return this.#pins[cacheUid];
  }

  caches(): string[] {
    return Object.keys(this.#pins);
  }

  /** Every pinned digest and image reference (canonical): the image garbage collector keeps these. */
  protectedImages(): Set<string> {
    const out = new Set<string>();
    for (const p of Object.values(this.#pins)) {
      for (const [image, digest] of Object.entries(p.images)) {
        out.add(digest);
        try {
          out.add(parseReference(image).toString());
        } catch { /* the digest covers it */ }
      }
    }
    return out;
  }

  /** Which caches pin each digest, for the node's image list. */
  pinnedBy(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const p of Object.values(this.#pins)) for (const d of Object.values(p.images)) out.set(d, [...(out.get(d) ?? []), p.name]);
    return out;
  }

  async set(cacheUid: string, pins: CachePins): Promise<void> {
    this.#pins = { ...this.#pins, [cacheUid]: pins };
    await this.#save();
  }

  async remove(cacheUid: string): Promise<boolean> {
    if (this.#pins[cacheUid] === undefined) return false;
    const { [cacheUid]: _gone, ...rest } = this.#pins;
    this.#pins = rest;
    await this.#save();
    return true;
  }

  /** Writes in order, each a whole file (write, then rename). */
  #save(): Promise<void> {
    const snapshot = JSON.stringify(this.#pins);
    this.#writing = this.#writing.then(async () => {
      const tmp = `${this.#path}.tmp`;
      await writeFile(tmp, `${snapshot}\n`, { mode: 0o600 });
      await rename(tmp, this.#path);
    });
    return this.#writing;
  }
}
