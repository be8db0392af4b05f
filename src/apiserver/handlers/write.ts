// POST (create) and PUT (update), and the shared commit used by PATCH.
import type { KubeObject } from '../../api/object.ts';
import { decodeObject } from '../body.ts';
import { apiVersionOf } from '../context.ts';
import type { RequestContext } from '../context.ts';
import { checkFields } from '../field-validation.ts';
import { addWarning, readBody, sendJson } from '../http-io.ts';
import { managerOf, trackUpdate } from '../managed-fields.ts';
import { errors } from '../status.ts';
import { prepareCreate, prepareUpdate } from '../write-pipeline.ts';
import { namespaceOf, requireName, withTypeMeta } from './read.ts';

export function isDryRun(ctx: RequestContext): boolean {
  const dryRun = ctx.url.searchParams.getAll('dryRun');
  for (const value of dryRun) if (value !== 'All') throw errors.badRequest(`dryRun: Unsupported value: ${JSON.stringify(value)}: supported values: "All"`);
  return dryRun.length > 0;
}

/** The body's apiVersion/kind must name this endpoint's kind when given. */
export function checkTypeMeta(ctx: RequestContext, object: KubeObject): void {
  const apiVersion = apiVersionOf(ctx);
  const { kind } = ctx.kind;
  if (object.kind !== undefined && object.kind !== kind) {
    throw errors.badRequest(`${kind} in version "${ctx.kind.version}" cannot be handled as a ${kind}: expected kind ${kind}, got ${String(object.kind)}`);
  }
  if (object.apiVersion !== undefined && object.apiVersion !== apiVersion) {
    throw errors.badRequest(`the API version in the data (${String(object.apiVersion)}) does not match the expected API version (${apiVersion})`);
  }
  object.apiVersion = apiVersion;
  object.kind = kind;
}

/** Namespace from the URL; a different one in the body is an error, as in kube-apiserver. */
export async function checkNamespace(ctx: RequestContext, object: KubeObject, creating: boolean): Promise<void> {
  const namespace = namespaceOf(ctx);
  if (!ctx.kind.namespaced) {
    delete object.metadata.namespace;
    return;
  }
  const given = object.metadata.namespace;
  if (given !== undefined && given !== '' && given !== namespace) {
    throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  object.metadata.namespace = namespace;
  if (!creating || namespace === undefined) return;
  const cached = ctx.state.namespaces.lookup(namespace);
  let terminating = cached?.terminating;
  if (cached === undefined || cached === null) {
    // Not in the cache: ask storage, which is the truth.
    const nsKind = ctx.state.kinds.byResource('', 'v1', 'namespaces');
    const ns = nsKind === undefined ? undefined : await ctx.state.objects.get(nsKind, undefined, namespace);
    if (ns === undefined) throw errors.notFound({ group: '', resource: 'namespaces' }, namespace);
    terminating = ns.metadata.deletionTimestamp !== undefined;
  }
  if (terminating === true) {
    throw errors.forbidden(
      `${ctx.kind.resource} "${object.metadata.name ?? ''}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
    );
  }
}

export interface CommitOptions {
  /** Server-side apply has already set managedFields. */
  keepManagedFields?: boolean;
}

export async function createObject(ctx: RequestContext, object: KubeObject, dryRun: boolean, options: CommitOptions = {}): Promise<KubeObject> {
  const prepared = prepareCreate(ctx.kind, object, ctx.state.now());
  if (options.keepManagedFields !== true) trackUpdate(ctx, undefined, prepared, managerOf(ctx), 'Update');
  if (dryRun) return withTypeMeta(ctx, prepared);
  const stored = await ctx.state.objects.create(ctx.kind, prepared);
  await ctx.state.hooks.created?.(ctx.kind, stored);
  return withTypeMeta(ctx, stored);
}

export async function handleCreate(ctx: RequestContext): Promise<void> {
  const body = await readBody(ctx.req);
  const object = decodeObject(ctx.req.headers['content-type'], body);
  checkTypeMeta(ctx, object);
  await checkNamespace(ctx, object, true);
  for (const warning of checkFields(ctx, object)) addWarning(ctx.res, warning);
  const created = await createObject(ctx, object, isDryRun(ctx));
  sendJson(ctx.res, 201, created);
}

/**
 * Stores `incoming` over `old` if `old` is still current. A no-op write keeps the old
 * resourceVersion, as kube-apiserver does.
 */
export async function commitUpdate(
  ctx: RequestContext,
  incoming: KubeObject,
  old: KubeObject,
  dryRun: boolean,
  options: CommitOptions = {},
): Promise<KubeObject> {
  const prepared = prepareUpdate(ctx.kind, incoming, old, ctx.info.subresource);
  if (options.keepManagedFields !== true) trackUpdate(ctx, old, prepared, managerOf(ctx), 'Update');
  const { resourceVersion: _a, ...a } = prepared.metadata;
  const { resourceVersion: _b, ...b } = old.metadata;
  const unchanged = JSON.stringify({ ...prepared, metadata: stripTimes(a) }) === JSON.stringify({ ...old, metadata: stripTimes(b) });
  if (unchanged || dryRun) return withTypeMeta(ctx, unchanged ? old : prepared);
  const revision = Number(old.metadata.resourceVersion);
  // An object being deleted whose last finalizer was removed leaves storage now.
  const namespaceFinalizers = ctx.kind.kind === 'Namespace' ? ((prepared['spec'] as { finalizers?: unknown[] } | undefined)?.finalizers ?? []) : [];
  const held = (prepared.metadata.finalizers ?? []).length > 0 || namespaceFinalizers.length > 0;
  if (prepared.metadata.deletionTimestamp !== undefined && !held) {
    const gone = await ctx.state.objects.delete(ctx.kind, prepared, revision);
    await ctx.state.hooks.deleted?.(ctx.kind, gone, 'Background');
    return withTypeMeta(ctx, { ...prepared, metadata: { ...prepared.metadata, resourceVersion: gone.metadata.resourceVersion } });
  }
  return withTypeMeta(ctx, await ctx.state.objects.update(ctx.kind, prepared, revision));
}

function stripTimes(meta: Record<string, unknown>): Record<string, unknown> {
  const managed = meta['managedFields'] as { time?: string }[] | undefined;
  if (managed === undefined) return meta;
  return { ...meta, managedFields: managed.map(({ time: _t, ...rest }) => rest) };
}

export async function handleUpdate(ctx: RequestContext): Promise<void> {
  const name = requireName(ctx);
  const body = await readBody(ctx.req);
  const object = decodeObject(ctx.req.headers['content-type'], body);
  checkTypeMeta(ctx, object);
  if (object.metadata.name !== undefined && object.metadata.name !== name) {
    throw errors.badRequest(`the name of the object (${object.metadata.name}) does not match the name on the URL (${name})`);
  }
  object.metadata.name = name;
  await checkNamespace(ctx, object, false);
  for (const warning of checkFields(ctx, object)) addWarning(ctx.res, warning);
  const old = await ctx.state.objects.mustGet(ctx.kind, namespaceOf(ctx), name);
  const wanted = object.metadata.resourceVersion;
  if (wanted !== undefined && wanted !== '' && wanted !== old.metadata.resourceVersion) {
    throw errors.conflict(ctx.kind, name, 'the object has been modified; please apply your changes to the latest version and try again');
  }
  sendJson(ctx.res, 200, await commitUpdate(ctx, object, old, isDryRun(ctx)));
}
