// DELETE of one object and of a collection: preconditions, graceful pod deletion, finalizers
// and the three propagation policies.
// https://kubernetes.io/docs/concepts/architecture/garbage-collection/#cascading-deletion
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../../api/object.ts';
import { isJsonObject } from '../../api/object.ts';
import { parseJson } from '../body.ts';
import type { PropagationPolicy, RequestContext } from '../context.ts';
import { readBody, sendJson } from '../http-io.ts';
import { queryFlag } from '../request-info.ts';
import { ApiError, errors, successStatus } from '../status.ts';
import { timestamp } from '../write-pipeline.ts';
import { listObjects, namespaceOf, requireName, withTypeMeta } from './read.ts';
import { isDryRun } from './write.ts';

export interface DeleteOptions {
  gracePeriodSeconds: number | undefined;
  propagationPolicy: PropagationPolicy;
  preconditions: { uid?: string; resourceVersion?: string };
}

const FOREGROUND = 'foregroundDeletion';
const ORPHAN = 'orphan';

async function deleteOptions(ctx: RequestContext): Promise<DeleteOptions> {
  const body = await readBody(ctx.req);
  const raw = body.length === 0 ? {} : parseJson(body, 'DeleteOptions');
  if (!isJsonObject(raw)) throw errors.badRequest('DeleteOptions must be an object');
  const query = ctx.url.searchParams;
  const grace = raw['gracePeriodSeconds'] ?? (query.has('gracePeriodSeconds') ? Number(query.get('gracePeriodSeconds')) : undefined);
  let policy = raw['propagationPolicy'] ?? query.get('propagationPolicy') ?? undefined;
  const orphan = raw['orphanDependents'] ?? (query.has('orphanDependents') ? queryFlag(query, 'orphanDependents') : undefined);
  if (policy === undefined && orphan !== undefined) policy = orphan === true ? 'Orphan' : 'Background';
  policy ??= 'Background';
  if (policy !== 'Background' && policy !== 'Foreground' && policy !== 'Orphan') {
    throw errors.badRequest(`propagationPolicy: Unsupported value: ${JSON.stringify(policy)}: supported values: "Foreground", "Background", "Orphan"`);
  }
  if (grace !== undefined && (typeof grace !== 'number' || !Number.isInteger(grace) || grace < 0)) {
    throw errors.badRequest('gracePeriodSeconds: Invalid value: must be a non-negative integer');
  }
  const pre = isJsonObject(raw['preconditions']) ? raw['preconditions'] : {};
  return {
    gracePeriodSeconds: grace,
    propagationPolicy: policy,
    preconditions: {
      ...(typeof pre['uid'] === 'string' ? { uid: pre['uid'] } : {}),
      ...(typeof pre['resourceVersion'] === 'string' ? { resourceVersion: pre['resourceVersion'] } : {}),
    },
  };
}

/** Pods on a node wait for their node agent to stop them; other objects go at once. */
function gracePeriod(ctx: RequestContext, object: KubeObject, options: DeleteOptions): number {
  if (ctx.kind.kind !== 'Pod') return 0;
  const spec = object['spec'] as { nodeName?: string; terminationGracePeriodSeconds?: number } | undefined;
  if (spec?.nodeName === undefined || spec.nodeName === '') return 0;
  return options.gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30;
}

// The namespaces kube-apiserver's NamespaceLifecycle admission never lets go.
const IMMORTAL_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);

function isNamespace(ctx: RequestContext): boolean {
  return ctx.kind.kind === 'Namespace' && ctx.kind.group === '';
}

/** Deletes one stored object; returns what the client is shown. */
export async function deleteObject(ctx: RequestContext, object: KubeObject, options: DeleteOptions, dryRun: boolean): Promise<{ object: KubeObject; gone: boolean }> {
  const name = object.metadata.name ?? '';
  if (isNamespace(ctx) && IMMORTAL_NAMESPACES.has(name)) {
    throw new ApiError(403, 'Forbidden', `namespaces "${name}" is forbidden: this namespace may not be deleted`, { name, kind: 'namespaces' });
  }
  const { uid, resourceVersion } = options.preconditions;
  if (uid !== undefined && uid !== object.metadata.uid) {
    throw errors.conflict(ctx.kind, name, `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${object.metadata.uid ?? ''}`);
  }
  if (resourceVersion !== undefined && resourceVersion !== object.metadata.resourceVersion) {
    throw errors.conflict(ctx.kind, name, `Precondition failed: ResourceVersion in precondition: ${resourceVersion}, ResourceVersion in object meta: ${object.metadata.resourceVersion ?? ''}`);
  }
  const grace = gracePeriod(ctx, object, options);
  const finalizers = new Set(object.metadata.finalizers ?? []);
  // A namespace's spec.finalizers (["kubernetes"]) hold it in Terminating until it is empty.
  const namespaceFinalizers = isNamespace(ctx) ? ((object['spec'] as { finalizers?: string[] } | undefined)?.finalizers ?? []) : [];
  if (options.propagationPolicy === 'Foreground') finalizers.add(FOREGROUND);
  if (options.propagationPolicy === 'Orphan') finalizers.add(ORPHAN);
  if (grace === 0 && finalizers.size === 0 && namespaceFinalizers.length === 0) {
    if (dryRun) return { object, gone: true };
    const gone = await ctx.state.objects.delete(ctx.kind, object, Number(object.metadata.resourceVersion));
    await ctx.state.hooks.deleted?.(ctx.kind, gone, options.propagationPolicy);
    return { object: gone, gone: true };
  }
  // Graceful or finalized: mark the object; its node agent or finalizers remove it later.
  const now = ctx.state.now();
  const marked = structuredClone(object);
  const meta = marked.metadata;
  const deadline = new Date(now.getTime() + grace * 1000);
  // The first mark counts as a change of the object, as kube-apiserver's markAsDeleting does.
  if (meta.deletionTimestamp === undefined && meta.generation !== undefined && meta.generation > 0) meta.generation += 1;
  if (meta.deletionTimestamp === undefined || Date.parse(meta.deletionTimestamp) > deadline.getTime()) {
    meta.deletionTimestamp = timestamp(deadline);
    meta.deletionGracePeriodSeconds = grace;
  }
  if (finalizers.size > 0) meta.finalizers = [...finalizers];
  else delete meta.finalizers;
  if (namespaceFinalizers.length > 0) marked['status'] = { ...(marked['status'] as object | undefined), phase: 'Terminating' };
  if (dryRun) return { object: marked, gone: false };
  // Deleting an object already marked this way changes nothing: no write, no watch event.
  if (isDeepStrictEqual(marked.metadata, object.metadata)) return { object, gone: false };
  const updated = await ctx.state.objects.update(ctx.kind, marked, Number(object.metadata.resourceVersion));
  await ctx.state.hooks.terminating?.(ctx.kind, updated);
  return { object: updated, gone: false };
}

export async function handleDelete(ctx: RequestContext): Promise<void> {
  const name = requireName(ctx);
  const options = await deleteOptions(ctx);
  const dryRun = isDryRun(ctx);
  for (let attempt = 1; ; attempt++) {
    const object = await ctx.state.objects.mustGet(ctx.kind, namespaceOf(ctx), name);
    try {
      const result = await deleteObject(ctx, object, options, dryRun);
      // Pods come back as the object, as in Kubernetes; other kinds as a Status once gone.
      if (result.gone && ctx.kind.kind !== 'Pod') {
        sendJson(ctx.res, 200, successStatus({ name, group: ctx.kind.group || undefined, kind: ctx.kind.resource, uid: object.metadata.uid }));
      } else {
        sendJson(ctx.res, 200, withTypeMeta(ctx, result.object));
      }
      return;
    } catch (error) {
      const retry = error instanceof ApiError && error.reason === 'Conflict' && options.preconditions.resourceVersion === undefined && attempt < 5;
      if (!retry) throw error;
    }
  }
}

export async function handleDeleteCollection(ctx: RequestContext): Promise<void> {
  const options = await deleteOptions(ctx);
  const dryRun = isDryRun(ctx);
  const { items, revision } = await listObjects(ctx);
  const deleted: KubeObject[] = [];
  for (const item of items) {
    try {
      deleted.push(withTypeMeta(ctx, (await deleteObject(ctx, item, options, dryRun)).object));
    } catch (error) {
      if (!(error instanceof ApiError && (error.reason === 'NotFound' || error.reason === 'Conflict'))) throw error;
    }
  }
  sendJson(ctx.res, 200, { kind: ctx.kind.listKind, apiVersion: items[0]?.apiVersion ?? '', metadata: { resourceVersion: String(revision) }, items: deleted });
}
