// Matching the images nodes report against ImageCache specs, whose names may be short
// (`nginx`) while a node reports them in full (`docker.io/library/nginx:latest`).

/** Docker's normalization of an image name: registry, `library/` for official images, `:latest`. */
export function normalizeImage(name: string): string {
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  let full = hasRegistry ? name : `docker.io/${slash < 0 ? 'library/' : ''}${name}`;
  const lastPart = full.slice(full.lastIndexOf('/') + 1);
  if (!lastPart.includes(':') && !full.includes('@')) full += ':latest';
  return full;
}

/** The names of the caches whose images include one of `refs`. */
export function cachesHolding(refs: readonly string[], caches: readonly { name: string; images: readonly string[] }[]): string[] {
  const wanted = new Set(refs.map(normalizeImage));
  return caches.filter((c) => c.images.some((i) => wanted.has(normalizeImage(i)))).map((c) => c.name);
}
