import type { Readable } from 'node:stream';
import { ErrorCode, ImageError } from '../errors.ts';

/** Reads a whole (small) response body, refusing more than `limit` bytes. */
export async function readBody(body: Readable, limit: number, what = 'response'): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > limit) {
      body.destroy();
      throw new ImageError(ErrorCode.SizeLimit, `${what} is larger than the ${limit}-byte limit`);
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}
