// Watch: newline-delimited JSON events over one chunked response. Headers are flushed at once
// (kubectl's rollout status hangs otherwise), rv ""/"0" first replays current objects as ADDED,
// and an object that stops matching the selectors is sent as DELETED, as kube-apiserver does.
// https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes
import type { KubeObject } from '../../api/object.ts';
import { apiVersionOf } from '../context.ts';
import type { RequestContext } from '../context.ts';
import { matches, parseListOptions, parseResourceVersion } from '../list-options.ts';
import { parseAccept, wantsTable } from '../negotiation.ts';
import type { ObjectEvent } from '../object-store.ts';
import { RevisionMemo } from '../revision-memo.ts';
import { ApiError } from '../status.ts';
import { toTable } from '../table.ts';
import { namespaceOf, withTypeMeta } from './read.ts';

const BOOKMARK_INTERVAL_MS = 60_000;
// FERRY_WATCH_BOOKMARK_INTERVAL_MS shortens the interval (tests cannot wait a minute for one).
function bookmarkInterval(): number {
  const override = Number(process.env['FERRY_WATCH_BOOKMARK_INTERVAL_MS']);
  return Number.isInteger(override) && override > 0 ? override : BOOKMARK_INTERVAL_MS;
}
// kube-apiserver ends a watch without timeoutSeconds after a random 30-60 minutes (min-request-timeout).
const DEFAULT_TIMEOUT_S = 1800;
// A watcher that cannot keep up is cut off rather than buffered without bound.
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

// Plain JSON event lines are the same for every watcher of a kind that sees the event.
const jsonLines = new RevisionMemo<string>();

export async function handleWatch(ctx: RequestContext): Promise<void> {
  const options = parseListOptions(ctx.kind, ctx.url.searchParams, ctx.info.name);
  const requested = parseResourceVersion(options.resourceVersion);
  const table = wantsTable(parseAccept(ctx.req.headers.accept));
  const namespace = namespaceOf(ctx);
  const { res } = ctx;

  let initial: KubeObject[] = [];
  let after: number;
  if (requested === undefined) {
    const page = await ctx.state.objects.list(ctx.kind, namespace);
    initial = page.items.filter((o) => matches(ctx.kind, options, o));
    after = page.revision;
  } else {
    after = requested;
  }

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();

  let columnsSent = false;
  let lastRevision = after;
  let closed = false;
  const encode = (type: EventType, object: unknown, memoKey?: string): string => {
    if (table === undefined || type === 'BOOKMARK' || type === 'ERROR') {
      const line = (): string => `${JSON.stringify({ type, object })}\n`;
      return memoKey === undefined ? line() : jsonLines.get(`${memoKey}:${type}`, line);
    }
    const o = object as KubeObject;
    const body = toTable(ctx.kind, [o], {
      include: 'Metadata',
      version: table,
      resourceVersion: o.metadata.resourceVersion ?? '',
      withColumns: !columnsSent,
      now: ctx.state.now(),
    });
    columnsSent = true;
    return `${JSON.stringify({ type, object: body })}\n`;
  };
  const send = (type: EventType, object: unknown, memoKey?: string): void => {
    if (closed) return;
    res.write(encode(type, object, memoKey));
    if (res.writableLength > MAX_BUFFERED_BYTES) finish();
  };

  for (const o of initial) send('ADDED', withTypeMeta(ctx, o));
  // Streaming lists (KEP-3157, client-go's WatchList): a bookmark marks the end of the initial state.
  if (options.sendInitialEvents && requested === undefined && options.allowBookmarks) {
    send('BOOKMARK', {
      kind: ctx.kind.kind,
      apiVersion: apiVersionOf(ctx),
      metadata: { resourceVersion: String(after), annotations: { 'k8s.io/initial-events-end': 'true' } },
    });
  }

  const onEvent = (event: ObjectEvent): void => {
    lastRevision = event.revision;
    const now = matches(ctx.kind, options, event.object);
    const before = event.previous !== undefined && matches(ctx.kind, options, event.previous);
    let type: EventType | undefined;
    if (event.type === 'ADDED') type = now ? 'ADDED' : undefined;
    else if (event.type === 'DELETED') type = before ? 'DELETED' : undefined;
    else if (now) type = before ? 'MODIFIED' : 'ADDED';
    else if (before) type = 'DELETED';
    if (type !== undefined) send(type, withTypeMeta(ctx, event.object), `${ctx.kind.group}/${ctx.kind.resource}/${event.object.metadata.namespace ?? ''}/${event.object.metadata.name ?? ''}@${event.revision}`);
  };

  let watch: { cancel(): void } | undefined;
  const timers: NodeJS.Timeout[] = [];
  function finish(): void {
    if (closed) return;
    closed = true;
    watch?.cancel();
    for (const t of timers) clearTimeout(t);
    res.end();
  }
  // The response's 'close', not the request's: the request closes once its (empty) body is read.
  res.on('close', finish);

  try {
    watch = ctx.state.objects.watch(ctx.kind, namespace, after, onEvent, (error) => {
      if (error instanceof ApiError) send('ERROR', error.toStatus());
      finish();
    });
  } catch (error) {
    if (error instanceof ApiError && error.code === 410) {
      send('ERROR', error.toStatus());
      finish();
      return;
    }
    throw error;
  }

  const timeout = (options.timeoutSeconds ?? DEFAULT_TIMEOUT_S * (1 + Math.random())) * 1000;
  timers.push(setTimeout(finish, timeout));
  if (options.allowBookmarks) {
    const interval = bookmarkInterval();
    const bookmark = (): void => {
      send('BOOKMARK', { kind: ctx.kind.kind, apiVersion: apiVersionOf(ctx), metadata: { resourceVersion: String(lastRevision) } });
      timers.push(setTimeout(bookmark, interval));
    };
    timers.push(setTimeout(bookmark, interval));
  }
}
