// GET of one object and of a collection, as JSON or as a Table.
import type { KubeObject } from '../../api/object.ts';
import { apiVersionOf } from '../context.ts';
import type { RequestContext } from '../context.ts';
import { sendJson, sendJsonText } from '../http-io.ts';
import { decodeContinue, encodeContinue, matches, parseListOptions, parseResourceVersion } from '../list-options.ts';
import { parseAccept, wantsTable } from '../negotiation.ts';
import { ApiError, errors } from '../status.ts';
import { parseIncludeObject, toTable } from '../table.ts';


/** Objects as clients see them: managedFields are kept, as in Kubernetes. */
export function withTypeMeta(ctx: RequestContext, object: KubeObject): KubeObject {
  return { ...object, apiVersion: apiVersionOf(ctx), kind: ctx.kind.kind };
}

export function namespaceOf(ctx: RequestContext): string | undefined {
  return ctx.kind.namespaced ? ctx.info.namespace : undefined;
}

export async function handleGet(ctx: RequestContext): Promise<void> {
  const name = ctx.info.name as string;
  const table = wantsTable(parseAccept(ctx.req.headers.accept));
  if (table === undefined && ctx.info.subresource === undefined) {
    sendJsonText(ctx.res, 200, await ctx.state.objects.getRaw(ctx.kind, namespaceOf(ctx), name));
    return;
  }
  const object = withTypeMeta(ctx, await ctx.state.objects.mustGet(ctx.kind, namespaceOf(ctx), name));
  if (table !== undefined) {
    const include = parseIncludeObject(ctx.url.searchParams.get('includeObject'));
    sendJson(ctx.res, 200, toTable(ctx.kind, [object], { include, version: table, now: ctx.state.now() }));
    return;
  }
  sendJson(ctx.res, 200, object);
}

// kube-apiserver's messages for a list whose revision was compacted (storage/etcd3/store.go).
const LIST_EXPIRED = 'The resourceVersion for the provided list is too old.';
const CONTINUE_EXPIRED =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.';

function expiredList(error: unknown, paging: boolean): unknown {
  if (!(error instanceof ApiError) || error.code !== 410) return error;
  return errors.gone(paging ? CONTINUE_EXPIRED : LIST_EXPIRED);
}

export async function listObjects(ctx: RequestContext): Promise<{ items: KubeObject[]; revision: number; continueToken?: string }> {
  const options = parseListOptions(ctx.kind, ctx.url.searchParams, undefined);
  let revision: number | undefined;
  let startAfter: string | undefined;
  if (options.continueToken !== undefined) {
    ({ revision, startAfter } = decodeContinue(options.continueToken));
    // The token names its own revision (storage.ValidateListOptions).
    if (options.resourceVersion !== undefined && options.resourceVersion !== '' && options.resourceVersion !== '0') {
      throw errors.badRequest('specifying resource version is not allowed when using continue');
    }
  } else if (options.resourceVersionMatch === 'Exact') {
    revision = parseResourceVersion(options.resourceVersion);
  }
  const items: KubeObject[] = [];
  const namespace = namespaceOf(ctx);
  // Selectors filter after the read, so keep reading pages until the limit is filled.
  for (;;) {
    const want = options.limit === undefined ? undefined : Math.max(options.limit - items.length, 1);
    const page = await ctx.state.objects
      .list(ctx.kind, namespace, {
        ...(revision === undefined ? {} : { revision }),
        ...(want === undefined ? {} : { limit: Math.max(want, 50) }),
        ...(startAfter === undefined ? {} : { startAfter }),
      })
      .catch((error: unknown) => {
        throw expiredList(error, options.continueToken !== undefined);
      });
    revision = page.revision;
    for (let i = 0; i < page.items.length; i++) {
      const item = page.items[i] as KubeObject;
      if (!matches(ctx.kind, options, item)) continue;
      items.push(withTypeMeta(ctx, item));
      if (options.limit !== undefined && items.length === options.limit) {
        const more = i < page.items.length - 1 || page.continueAfter !== undefined;
        if (!more) return { items, revision };
        const lastKey = ctx.state.objects.keyOf(ctx.kind, item);
        return { items, revision, continueToken: encodeContinue(revision, lastKey) };
      }
    }
    if (page.continueAfter === undefined) return { items, revision };
    startAfter = page.continueAfter;
  }
}

export async function handleList(ctx: RequestContext): Promise<void> {
  const { items, revision, continueToken } = await listObjects(ctx);
  const resourceVersion = String(revision);
  const table = wantsTable(parseAccept(ctx.req.headers.accept));
  if (table !== undefined) {
    const include = parseIncludeObject(ctx.url.searchParams.get('includeObject'));
    sendJson(
      ctx.res,
      200,
      toTable(ctx.kind, items, { include, version: table, resourceVersion, ...(continueToken === undefined ? {} : { continueToken }), now: ctx.state.now() }),
    );
    return;
  }
  const metadata: Record<string, unknown> = { resourceVersion };
  if (continueToken !== undefined) metadata['continue'] = continueToken;
  sendJson(ctx.res, 200, { kind: ctx.kind.listKind, apiVersion: apiVersionOf(ctx), metadata, items });
}

export function requireName(ctx: RequestContext): string {
  if (ctx.info.name === undefined) throw errors.methodNotAllowed();
  return ctx.info.name;
}
