// Accept header negotiation for the few media types kubectl asks for with parameters:
// Tables (`as=Table;g=meta.k8s.io;v=v1`) and aggregated discovery (`as=APIGroupDiscoveryList`).
// Bodies are always JSON: kubectl decodes a response by its Content-Type (research note 0.4).

export interface MediaRange {
  type: string;
  params: Record<string, string>;
}

export function parseAccept(header: string | undefined): MediaRange[] {
  if (header === undefined || header.trim() === '') return [{ type: '*/*', params: {} }];
  return header.split(',').map((part) => {
    const [type, ...params] = part.split(';').map((s) => s.trim());
    const record: Record<string, string> = {};
    for (const p of params) {
      const eq = p.indexOf('=');
      if (eq > 0) record[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim().replace(/^"|"$/g, '');
    }
    return { type: (type ?? '').toLowerCase(), params: record };
  });
}

const JSONISH = new Set(['application/json', 'application/*', '*/*', 'application/yaml']);

/** The Table version asked for, if the client prefers a Table to the plain object. */
export function wantsTable(accept: MediaRange[]): 'v1' | 'v1beta1' | undefined {
  for (const m of accept) {
    if (m.params['as'] === 'Table' && m.params['g'] === 'meta.k8s.io' && (m.params['v'] === 'v1' || m.params['v'] === 'v1beta1')) {
      return m.params['v'];
    }
    if (m.params['as'] === undefined && JSONISH.has(m.type)) return undefined;
  }
  return undefined;
}

/** The aggregated discovery version asked for, in the client's order; undefined means legacy discovery. */
export function wantsAggregatedDiscovery(accept: MediaRange[]): 'v2' | 'v2beta1' | undefined {
  for (const m of accept) {
    if (m.params['as'] === 'APIGroupDiscoveryList' && m.params['g'] === 'apidiscovery.k8s.io') {
      if (m.params['v'] === 'v2' || m.params['v'] === 'v2beta1') return m.params['v'];
    }
    if (m.params['as'] === undefined && JSONISH.has(m.type)) return undefined;
  }
  return undefined;
}

/** False when the client accepts neither JSON nor anything we can send (e.g. protobuf only). */
export function acceptsJson(accept: MediaRange[]): boolean {
  return accept.some((m) => JSONISH.has(m.type) || m.type === 'application/json' || m.type.startsWith('application/json'));
}
