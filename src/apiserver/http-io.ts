// Reading request bodies and writing JSON responses. Bodies are capped like kube-apiserver's
// 3 MiB request limit so one client cannot make the server buffer without bound.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, errors } from './status.ts';

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw errors.tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendJsonText(res, status, JSON.stringify(body), headers);
}

export function sendJsonText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
    ...headers,
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: unknown): void {
  const apiError = error instanceof ApiError ? error : errors.internal(error instanceof Error ? error.message : String(error));
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, apiError.code, apiError.toStatus());
}

/** Adds a `Warning: 299 - "text"` header, which kubectl prints as `Warning: text`. */
export function addWarning(res: ServerResponse, text: string): void {
  const value = `299 - ${JSON.stringify(text)}`;
  const existing = res.getHeader('Warning');
  if (existing === undefined) res.setHeader('Warning', value);
  else res.setHeader('Warning', [...(Array.isArray(existing) ? existing : [String(existing)]), value]);
}
