// Routes a parsed resource request to its handler by verb and subresource.
import type { RequestContext } from './context.ts';
import { handleDelete, handleDeleteCollection } from './handlers/delete.ts';
import { handlePatch } from './handlers/patch.ts';
import { handleGet, handleList } from './handlers/read.ts';
import { handleBinding, handleLog, handleScale } from './handlers/subresources.ts';
import { handleWatch } from './handlers/watch.ts';
import { handleCreate, handleUpdate } from './handlers/write.ts';
import { errors } from './status.ts';

export async function dispatchResource(ctx: RequestContext): Promise<void> {
  const { info, kind } = ctx;
  if (info.subresource !== undefined) {
    const sub = kind.subresources.find((s) => s.name === info.subresource);
    if (sub === undefined) throw errors.pathNotFound();
    switch (sub.name) {
      case 'scale':
        return handleScale(ctx);
      case 'binding':
        return handleBinding(ctx);
      case 'log':
        return handleLog(ctx);
      case 'finalize':
        if (info.verb === 'update') return handleUpdate(ctx);
        throw errors.methodNotAllowed();
      case 'status':
        if (info.verb === 'get') return handleGet(ctx);
        if (info.verb === 'update') return handleUpdate(ctx);
        if (info.verb === 'patch') return handlePatch(ctx);
        throw errors.methodNotAllowed();
    }
  }
  if (kind.namespaced && info.namespace === undefined && info.verb !== 'list' && info.verb !== 'watch') {
    throw errors.pathNotFound();
  }
  switch (info.verb) {
    case 'get':
      return handleGet(ctx);
    case 'list':
      return handleList(ctx);
    case 'watch':
      return handleWatch(ctx);
    case 'create':
      if (info.name !== undefined) throw errors.methodNotAllowed();
      return handleCreate(ctx);
    case 'update':
      return handleUpdate(ctx);
    case 'patch':
      return handlePatch(ctx);
    case 'delete':
      return handleDelete(ctx);
    case 'deletecollection':
      return handleDeleteCollection(ctx);
  }
}
