// PATCH in its four content types: JSON patch, merge patch, strategic merge patch (built-in
// kinds only, as in Kubernetes) and server-side apply, which creates the object when absent.
// Patches are retried on a write conflict like kube-apiserver's GuaranteedUpdate.
import type { JsonObject, JsonValue, KubeObject } from '../../api/object.ts';
import { isJsonObject } from '../../api/object.ts';
import { schemaResolver } from '../../api/openapi/index.ts';
import { applyJsonPatch, applyMergePatch, strategicMerge } from '../../api/patch/index.ts';
import { mediaType, parseJson, parseYamlOrJson } from '../body.ts';
import type { RequestContext } from '../context.ts';
import { checkFields } from '../field-validation.ts';
import { addWarning, readBody, sendJson } from '../http-io.ts';
import { ApiError, errors, PATCH_MEDIA_TYPES } from '../status.ts';
import { applyObject } from './apply.ts';
import { namespaceOf, requireName } from './read.ts';
import { checkTypeMeta, commitUpdate, isDryRun } from './write.ts';

const MAX_ATTEMPTS = 5;
// Kinds served from a custom group have no strategic-merge metadata in Kubernetes either.
const BUILT_IN_GROUPS = new Set(['', 'apps', 'coordination.k8s.io', 'autoscaling']);

function patchObject(ctx: RequestContext, type: string, live: KubeObject, patch: unknown): KubeObject {
  let result: unknown;
  try {
    if (type === 'application/json-patch+json') result = applyJsonPatch(live as unknown as JsonValue, patch as JsonValue);
    else if (type === 'application/merge-patch+json') result = applyMergePatch(live as unknown as JsonObject, patch as JsonValue);
    else {
      const schema = schemaResolver.component(ctx.kind.schema) ?? {};
      result = strategicMerge(live as unknown as JsonValue, patch as JsonValue, schema, schemaResolver);
    }
  } catch (error) {
    if (error instanceof ApiError) throw error;
    const status = (error as { status?: number }).status ?? 422;
    throw new ApiError(status, status === 422 ? 'Invalid' : 'BadRequest', (error as Error).message);
  }
  if (!isJsonObject(result) || !isJsonObject(result['metadata'])) throw errors.badRequest('the patch removed the object\'s metadata');
  return result as unknown as KubeObject;
}

export async function handlePatch(ctx: RequestContext): Promise<void> {
  const name = requireName(ctx);
  const type = mediaType(ctx.req.headers['content-type']);
  const body = await readBody(ctx.req);
  if (type === 'application/apply-patch+yaml') {
    await applyObject(ctx, name, parseYamlOrJson(body));
    return;
  }
  const accepted: readonly string[] = BUILT_IN_GROUPS.has(ctx.kind.group)
    ? PATCH_MEDIA_TYPES
    : PATCH_MEDIA_TYPES.filter((t) => t !== 'application/strategic-merge-patch+json');
  if (!accepted.includes(type)) throw errors.unsupportedMediaType(accepted);
  const patch = parseJson(body, 'patch');
  const dryRun = isDryRun(ctx);
  for (let attempt = 1; ; attempt++) {
    const live = await ctx.state.objects.mustGet(ctx.kind, namespaceOf(ctx), name);
    const patched = patchObject(ctx, type, structuredClone(live), patch);
    checkTypeMeta(ctx, patched);
    if (patched.metadata.name !== name) throw errors.badRequest(`metadata.name: Invalid value: ${JSON.stringify(patched.metadata.name)}: field is immutable`);
    const wanted = patched.metadata.resourceVersion;
    // A resourceVersion in the patch is a precondition; otherwise the live one is used.
    if (wanted !== undefined && wanted !== live.metadata.resourceVersion) {
      throw errors.conflict(ctx.kind, name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    if (ctx.kind.namespaced) patched.metadata.namespace = namespaceOf(ctx);
    for (const warning of checkFields(ctx, patched)) addWarning(ctx.res, warning);
    try {
      sendJson(ctx.res, 200, await commitUpdate(ctx, patched, live, dryRun));
      return;
    } catch (error) {
      const retry = error instanceof ApiError && error.reason === 'Conflict' && wanted === undefined && attempt < MAX_ATTEMPTS;
      if (!retry) throw error;
    }
  }
}
