// Paths outside the resource tree: version, health, discovery and OpenAPI.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { openApiV2Protobuf, OPENAPI_V2_PROTOBUF_CONTENT_TYPE, openApiV3GroupVersionDocument, openApiV3RootDocument } from '../api/openapi/index.ts';
import type { KindRegistry } from './context.ts';
import {
  aggregatedContentType,
  aggregatedDiscovery,
  legacyApiVersions,
  legacyGroup,
  legacyGroupList,
  legacyResourceList,
} from './discovery.ts';
import { sendJson } from './http-io.ts';
import { parseAccept, wantsAggregatedDiscovery } from './negotiation.ts';
import { errors } from './status.ts';

// kubectl's version dispatcher picks its client by this minor version (research note 0.2).
export const VERSION_INFO = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.4+ferry',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-11-01T00:00:00Z',
  goVersion: 'go1.23.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

export interface NonResourceContext {
  kinds: KindRegistry;
  serverAddress: string;
  ready: () => boolean;
}

function etag(body: string | Buffer): string {
  return `"${createHash('sha256').update(body).digest('hex').slice(0, 32).toUpperCase()}"`;
}

/** Returns false when the path is not one of these. */
export function handleNonResource(req: IncomingMessage, res: ServerResponse, url: URL, ctx: NonResourceContext): boolean {
  const path = url.pathname.replace(/\/+$/, '') || '/';
  if (path === '/version') {
    sendJson(res, 200, VERSION_INFO);
    return true;
  }
  if (/^\/(healthz|livez|readyz)(\/[a-z-]+)?$/.test(path)) {
    if (path.startsWith('/readyz') && !ctx.ready()) sendText(res, 500, 'readyz check failed');
    else sendText(res, 200, 'ok');
    return true;
  }
  if (path === '/api' || path === '/apis') {
    const core = path === '/api';
    const version = wantsAggregatedDiscovery(parseAccept(req.headers.accept));
    if (version !== undefined) {
      sendJson(res, 200, aggregatedDiscovery(ctx.kinds.all, core, version), { 'Content-Type': aggregatedContentType(version) });
    } else {
      sendJson(res, 200, core ? legacyApiVersions(ctx.serverAddress) : legacyGroupList(ctx.kinds.all));
    }
    return true;
  }
  const legacy = /^\/api\/(v1)$|^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(path);
  if (legacy !== null) {
    const body = legacy[1] !== undefined ? legacyResourceList(ctx.kinds.all, '', 'v1') : legacy[3] !== undefined ? legacyResourceList(ctx.kinds.all, legacy[2] as string, legacy[3]) : legacyGroup(ctx.kinds.all, legacy[2] as string);
    if (body === undefined) throw errors.pathNotFound();
    sendJson(res, 200, body);
    return true;
  }
  if (path === '/openapi/v3' || path.startsWith('/openapi/v3/')) {
    const doc = path === '/openapi/v3' ? openApiV3RootDocument(ctx.kinds.all) : openApiV3GroupVersionDocument(ctx.kinds.all, path.slice('/openapi/v3/'.length));
    if (doc === undefined) throw errors.pathNotFound();
    // A URL that carries the document's hash names it for good, so clients may cache it.
    const cache = url.searchParams.get('hash') === doc.hash ? 'public, immutable' : 'no-cache, private';
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(doc.body), ETag: doc.etag, 'Cache-Control': cache });
    res.end(doc.body);
    return true;
  }
  if (path === '/openapi/v2') {
    const accept = req.headers.accept ?? '';
    if (!accept.includes('protobuf')) throw errors.pathNotFound();
    const body = openApiV2Protobuf(ctx.kinds.all);
    res.writeHead(200, { 'Content-Type': OPENAPI_V2_PROTOBUF_CONTENT_TYPE, 'Content-Length': body.length, ETag: etag(body) });
    res.end(body);
    return true;
  }
  return false;
}
