// Managed fields for non-apply writes: the fields a write changed become its manager's, so a
// later server-side apply can name who owns what.
// https://kubernetes.io/docs/reference/using-api/server-side-apply/#field-management
import type { KubeObject } from '../api/object.ts';
import { schemaResolver } from '../api/openapi/index.ts';
import { recordUpdate } from '../api/patch/index.ts';
import { apiVersionOf } from './context.ts';
import type { RequestContext } from './context.ts';
import { errors } from './status.ts';

/** `?fieldManager=`, else the client's name from its User-Agent, as kube-apiserver does. */
export function managerOf(ctx: RequestContext): string {
  const given = ctx.url.searchParams.get('fieldManager');
  if (given !== null && given !== '') {
    if (given.length > 128) throw errors.badRequest('fieldManager: Too long: may not be longer than 128');
    return given;
  }
  const agent = ctx.req.headers['user-agent'] ?? 'unknown';
  return agent.split('/')[0]?.slice(0, 128) || 'unknown';
}

export function trackUpdate(ctx: RequestContext, before: KubeObject | undefined, after: KubeObject, manager: string, operation: 'Update'): void {
  const tracked = recordUpdate({
    before,
    after,
    manager,
    operation,
    apiVersion: apiVersionOf(ctx),
    ...(ctx.info.subresource === undefined ? {} : { subresource: ctx.info.subresource }),
    now: ctx.state.now(),
    schema: schemaResolver.component(ctx.kind.schema) ?? {},
    resolver: schemaResolver,
  });
  after.metadata.managedFields = tracked.metadata.managedFields;
}
