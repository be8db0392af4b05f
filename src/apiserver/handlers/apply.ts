// Server-side apply (`kubectl apply --server-side`): PATCH with application/apply-patch+yaml.
// It creates the object when absent and answers conflicts with 409 and one cause per field.
// https://kubernetes.io/docs/reference/using-api/server-side-apply/
import type { KubeObject } from '../../api/object.ts';
import { isJsonObject } from '../../api/object.ts';
import { schemaResolver } from '../../api/openapi/index.ts';
import { applyPatch, conflictCauses, formatConflictMessage } from '../../api/patch/index.ts';
import { apiVersionOf } from '../context.ts';
import type { RequestContext } from '../context.ts';
import { checkFields } from '../field-validation.ts';
import { addWarning, sendJson } from '../http-io.ts';
import { queryFlag } from '../request-info.ts';
import { ApiError, errors } from '../status.ts';
import { namespaceOf } from './read.ts';
import { checkNamespace, checkTypeMeta, commitUpdate, createObject, isDryRun } from './write.ts';

const MAX_ATTEMPTS = 5;

export async function applyObject(ctx: RequestContext, name: string, body: unknown): Promise<void> {
  const manager = ctx.url.searchParams.get('fieldManager');
  if (manager === null || manager === '') {
    throw errors.badRequest('PATCH, application/apply-patch+yaml requests must supply a fieldManager parameter');
  }
  if (!isJsonObject(body)) throw errors.badRequest('error decoding YAML: the apply configuration must be an object');
  const applied = body as unknown as KubeObject;
  if (!isJsonObject(applied.metadata)) applied.metadata = {};
  checkTypeMeta(ctx, applied);
  if (applied.metadata.name !== undefined && applied.metadata.name !== name) {
    throw errors.badRequest(`the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`);
  }
  applied.metadata.name = name;
  for (const warning of checkFields(ctx, applied)) addWarning(ctx.res, warning);
  const force = queryFlag(ctx.url.searchParams, 'force');
  const dryRun = isDryRun(ctx);
  const schema = schemaResolver.component(ctx.kind.schema) ?? {};

  for (let attempt = 1; ; attempt++) {
    const live = await ctx.state.objects.get(ctx.kind, namespaceOf(ctx), name);
    const result = applyPatch({
      live,
      applied: structuredClone(applied),
      manager,
      force,
      schema,
      resolver: schemaResolver,
      apiVersion: apiVersionOf(ctx),
      now: ctx.state.now(),
    });
    if ('conflicts' in result) {
      throw new ApiError(409, 'Conflict', formatConflictMessage(result.conflicts), { causes: conflictCauses(result.conflicts) });
    }
    const object = result.object;
    try {
      if (live === undefined) {
        await checkNamespace(ctx, object, true);
        const created = await createObject(ctx, object, dryRun, { keepManagedFields: true });
        sendJson(ctx.res, 201, created);
      } else {
        if (ctx.kind.namespaced) object.metadata.namespace = namespaceOf(ctx);
        sendJson(ctx.res, 200, await commitUpdate(ctx, object, live, dryRun, { keepManagedFields: true }));
      }
      return;
    } catch (error) {
      const retry = error instanceof ApiError && (error.reason === 'Conflict' || error.reason === 'AlreadyExists') && attempt < MAX_ATTEMPTS;
      if (!retry) throw error;
    }
  }
}
