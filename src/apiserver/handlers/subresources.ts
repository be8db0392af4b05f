// Subresources with their own shapes: deployments|replicasets|statefulsets/scale (autoscaling/v1
// Scale; kubectl scale fails on anything else), pods/binding (the scheduler's write) and pods/log.
import type { KubeObject } from '../../api/object.ts';
import { isJsonObject } from '../../api/object.ts';
import { applyJsonPatch, applyMergePatch } from '../../api/patch/index.ts';
import type { JsonObject, JsonValue } from '../../api/object.ts';
import { mediaType, parseJson } from '../body.ts';
import type { RequestContext } from '../context.ts';
import { readBody, sendJson } from '../http-io.ts';
import { queryFlag } from '../request-info.ts';
import { ApiError, errors, PATCH_MEDIA_TYPES } from '../status.ts';
import { namespaceOf, requireName } from './read.ts';
import { timestamp } from '../write-pipeline.ts';
import { commitUpdate, isDryRun } from './write.ts';

function toScale(object: KubeObject): Record<string, unknown> {
  const spec = object['spec'] as { replicas?: number; selector?: { matchLabels?: Record<string, string> } } | undefined;
  const status = object['status'] as { replicas?: number } | undefined;
  const { name, namespace, uid, resourceVersion, creationTimestamp } = object.metadata;
  const selector = Object.entries(spec?.selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: spec?.replicas ?? 0 },
    status: { replicas: status?.replicas ?? 0, ...(selector === '' ? {} : { selector }) },
  };
}

export async function handleScale(ctx: RequestContext): Promise<void> {
  const name = requireName(ctx);
  if (ctx.info.verb === 'get') {
    sendJson(ctx.res, 200, toScale(await ctx.state.objects.mustGet(ctx.kind, namespaceOf(ctx), name)));
    return;
  }
  if (ctx.info.verb !== 'update' && ctx.info.verb !== 'patch') throw errors.methodNotAllowed();
  const body = await readBody(ctx.req);
  const type = mediaType(ctx.req.headers['content-type']);
  for (let attempt = 1; ; attempt++) {
    const live = await ctx.state.objects.mustGet(ctx.kind, namespaceOf(ctx), name);
    const current = toScale(live);
    let scale: unknown;
    if (ctx.info.verb === 'update') scale = parseJson(body);
    else if (type === 'application/json-patch+json') scale = applyJsonPatch(current as JsonValue, parseJson(body) as JsonValue);
    else if (type === 'application/merge-patch+json' || type === 'application/strategic-merge-patch+json') {
      scale = applyMergePatch(current as JsonObject, parseJson(body) as JsonValue);
    } else throw errors.unsupportedMediaType(PATCH_MEDIA_TYPES);
    const replicas = isJsonObject(scale) && isJsonObject(scale['spec']) ? scale['spec']['replicas'] : undefined;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      throw errors.invalid('autoscaling', 'Scale', name, [{ reason: 'FieldValueInvalid', message: `Invalid value: ${String(replicas)}: must be greater than or equal to 0`, field: 'spec.replicas' }]);
    }
    const wanted = isJsonObject(scale) && isJsonObject(scale['metadata']) ? scale['metadata']['resourceVersion'] : undefined;
    if (typeof wanted === 'string' && wanted !== '' && wanted !== live.metadata.resourceVersion) {
      throw errors.conflict(ctx.kind, name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    const next = structuredClone(live);
    (next['spec'] as Record<string, unknown>)['replicas'] = replicas;
    try {
      const saved = await commitUpdate({ ...ctx, info: { ...ctx.info, subresource: undefined } }, next, live, isDryRun(ctx));
      sendJson(ctx.res, 200, toScale(saved));
      return;
    } catch (error) {
      if (!(error instanceof ApiError && error.reason === 'Conflict' && wanted === undefined && attempt < 5)) throw error;
    }
  }
}

export async function handleBinding(ctx: RequestContext): Promise<void> {
  const name = requireName(ctx);
  if (ctx.info.verb !== 'create') throw errors.methodNotAllowed();
  const binding = parseJson(await readBody(ctx.req));
  const target = isJsonObject(binding) && isJsonObject(binding['target']) ? binding['target'] : undefined;
  const node = target?.['name'];
  if (typeof node !== 'string' || node === '') {
    throw errors.invalid('', 'Binding', name, [{ reason: 'FieldValueRequired', message: 'Required value', field: 'target.name' }]);
  }
  const live = await ctx.state.objects.mustGet(ctx.kind, namespaceOf(ctx), name);
  const spec = live['spec'] as { nodeName?: string };
  if (spec.nodeName !== undefined && spec.nodeName !== '') {
    throw errors.conflict(ctx.kind, name, `pod ${name} is already assigned to node "${spec.nodeName}"`);
  }
  if (live.metadata.deletionTimestamp !== undefined) throw errors.conflict(ctx.kind, name, `pod ${name} is being deleted, cannot be assigned to a host`);
  // Binding is not a pod update (whose validation forbids changing nodeName): like the
  // registry's assignPod, it sets the node and the PodScheduled condition directly.
  // https://github.com/kubernetes/kubernetes/blob/master/pkg/registry/core/pod/storage/storage.go
  const next = structuredClone(live);
  (next['spec'] as Record<string, unknown>)['nodeName'] = node;
  const status = ((next['status'] ??= {}) as { conditions?: Record<string, unknown>[] });
  const conditions = (status.conditions ?? []).filter((c) => c['type'] !== 'PodScheduled');
  conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: timestamp(ctx.state.now()) });
  status.conditions = conditions;
  if (!isDryRun(ctx)) await ctx.state.objects.update(ctx.kind, next, Number(live.metadata.resourceVersion));
  sendJson(ctx.res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
}

export async function handleLog(ctx: RequestContext): Promise<void> {
  const name = requireName(ctx);
  if (ctx.info.verb !== 'get') throw errors.methodNotAllowed();
  const pod = await ctx.state.objects.mustGet(ctx.kind, namespaceOf(ctx), name);
  const spec = pod['spec'] as { containers?: { name: string }[]; initContainers?: { name: string }[] };
  const names = (spec.containers ?? []).map((c) => c.name);
  const initNames = (spec.initContainers ?? []).map((c) => c.name);
  const query = ctx.url.searchParams;
  const container = query.get('container') ?? (names.length === 1 ? names[0] : undefined);
  if (container === undefined) {
    // kube-apiserver's wording, init containers listed apart (pkg/registry/core/pod/strategy.go).
    const init = initNames.length === 0 ? '' : ` or one of the init containers: [${initNames.join(' ')}]`;
    throw errors.badRequest(`a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]${init}`);
  }
  const isInit = initNames.includes(container);
  if (!names.includes(container) && !isInit) throw errors.badRequest(`container ${container} is not valid for pod ${name}`);
  type Statuses = { name: string; state?: Record<string, { reason?: string }>; lastState?: { terminated?: unknown } }[];
  const status = pod['status'] as { containerStatuses?: Statuses; initContainerStatuses?: Statuses } | undefined;
  const statuses = (isInit ? status?.initContainerStatuses : status?.containerStatuses) ?? [];
  const containerStatus = statuses.find((s) => s.name === container);
  // The kubelet's answer when there is no earlier instance (kuberuntime_logs / GetContainerLogs).
  const previous = queryFlag(query, 'previous');
  if (previous && containerStatus?.lastState?.terminated === undefined) {
    throw errors.badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
  }
  const state = containerStatus?.state;
  // A waiting container has no log yet, but its previous instance has (a crash loop's --previous).
  if (ctx.state.logs === undefined || state === undefined || (state['waiting'] !== undefined && !previous)) {
    const reason = state?.['waiting']?.reason ?? 'ContainerCreating';
    throw errors.badRequest(`container "${container}" in pod "${name}" is waiting to start: ${reason}`);
  }
  const tail = query.get('tailLines');
  ctx.res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
  await ctx.state.logs.stream(pod, container, {
    follow: queryFlag(query, 'follow'),
    ...(tail === null ? {} : { tailLines: Number(tail) }),
    previous,
  }, ctx.res);
}
