// A registry client for one repository and one credential (OCI distribution spec v1.1,
// https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests).
// Endpoints are tried in order (mirrors from hosts.toml, then the registry itself); a mirror
// is only asked to resolve a tag when it has the `resolve` capability.
import type { Credential } from '../credential.ts';
import { sha256Digest } from '../digest.ts';
import { ErrorCode, ImageError } from '../errors.ts';
import { Authorizer, pullScope } from './authorizer.ts';
import { readBody } from './body.ts';
import { statusError, type ErrorContext } from './error-map.ts';
import { exchange, type ExchangeContext } from './exchange.ts';
import type { RegistryEndpoint } from './hosts.ts';
import { classify } from './http.ts';
import { BatchWriter } from './batch-writer.ts';
import { MANIFEST_ACCEPT, MAX_MANIFEST_BYTES, type Descriptor } from './manifest.ts';
import { DEFAULT_RETRY, type RetryPolicy } from './retry.ts';

export interface RegistryClientOptions {
  registry: string;
  repository: string;
  /** Canonical image name for messages. */
  image: string;
  endpoints: RegistryEndpoint[];
  credential?: Credential | undefined;
  certsDir?: string | undefined;
  retry?: RetryPolicy | undefined;
  idleTimeoutMs?: number | undefined;
}

/**
 * The options that aim a client (pull or push) at `ref`'s repository: each client gets its own
 * copy of the endpoints' TLS settings, so one client's changes never reach another's.
 */
export function clientOptionsFor(
  ref: { registry: string; repository: string; toString(): string },
  endpoints: readonly RegistryEndpoint[],
  credential: Credential | undefined,
  certsDir: string | undefined,
): RegistryClientOptions {
  return {
    registry: ref.registry,
    repository: ref.repository,
    image: ref.toString(),
    endpoints: endpoints.map((e) => ({ ...e, tls: { ...e.tls } })),
    credential,
    certsDir,
  };
}

export interface FetchedManifest {
  descriptor: Descriptor;
  bytes: Buffer;
  /** Fetched over plain HTTP or without verifying TLS: not to be trusted by pods that did not ask for that. */
  insecure: boolean;
}

/** Where blob bytes go. `offset` tells how many bytes it already holds, so a dropped download resumes there. */
export interface BlobSink {
  readonly offset: number;
  write(chunk: Buffer): Promise<void>;
}

// A reconnect that makes no progress this many times in a row is not going to.
const MAX_STALLED_RESUMES = 3;

export class RegistryClient {
  readonly #o: RegistryClientOptions;
  readonly #authorizer: Authorizer;
  // Mirrors are other hosts: the registry's credential is not theirs to see (ARCHITECTURE.md,
  // "never sent to a host other than the registry or its token realm"; containers/image#2949
  // does the same). They are asked anonymously.
  readonly #mirrorAuthorizer = new Authorizer(undefined);

  constructor(options: RegistryClientOptions) {
    this.#o = options;
    this.#authorizer = new Authorizer(options.credential);
  }

  get credential(): Credential | undefined {
    return this.#o.credential;
  }

  /** GET a manifest by tag or digest; with a digest, the bytes are verified against it. */
  async manifest(reference: string, signal?: AbortSignal): Promise<FetchedManifest> {
    const byDigest = reference.includes(':');
    return this.#tryEndpoints(byDigest ? 'pull' : 'resolve', async (ctx) => {
      const res = await exchange(ctx, {
        method: 'GET',
        path: `/${this.#o.repository}/manifests/${reference}`,
        headers: { accept: MANIFEST_ACCEPT },
        scopes: [pullScope(this.#o.repository)],
        signal,
        idleTimeoutMs: this.#o.idleTimeoutMs,
      });
      const body = await readBody(res.body, MAX_MANIFEST_BYTES, `manifest ${reference} of ${this.#o.image}`);
      if (res.status !== 200) throw statusError(res.status, body.toString('utf8'), ctx.errorContext, 'manifest', reference);
      const computed = sha256Digest(body);
      const header = res.headers['docker-content-digest'];
      const expected = byDigest ? reference : typeof header === 'string' && header.startsWith('sha256:') ? header : computed;
      if (expected.startsWith('sha256:') && expected !== computed) {
        throw new ImageError(ErrorCode.DigestMismatch, `pulling ${this.#o.image}: manifest from ${ctx.endpoint.host} has digest ${computed}, expected ${expected}: the registry or something between served altered content`, { registry: this.#o.registry });
      }
      const mediaType = (res.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
      return {
        descriptor: { mediaType, digest: byDigest ? reference : computed, size: body.length },
        bytes: body,
        insecure: isInsecure(ctx.endpoint),
      };
    });
  }

  /** HEAD a manifest: the digest a tag points at now, for a cheap "has it changed" check. */
  async head(reference: string, signal?: AbortSignal): Promise<Descriptor | undefined> {
    return this.#tryEndpoints('resolve', async (ctx) => {
      const res = await exchange(ctx, {
        method: 'HEAD',
        path: `/${this.#o.repository}/manifests/${reference}`,
        headers: { accept: MANIFEST_ACCEPT },
        scopes: [pullScope(this.#o.repository)],
        signal,
      });
      res.body.resume();
      if (res.status !== 200) throw statusError(res.status, '', ctx.errorContext, 'manifest', reference);
      const digest = res.headers['docker-content-digest'];
      if (typeof digest !== 'string') return undefined;
      const mediaType = (res.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
      return { mediaType, digest, size: Number(res.headers['content-length'] ?? 0) };
    });
  }

  /** Streams a blob into `sink`, resuming with Range after a dropped connection. The sink verifies the digest. */
  async blob(desc: Descriptor, sink: BlobSink, signal?: AbortSignal, onProgress?: (bytes: number) => void): Promise<void> {
    await this.#tryEndpoints('pull', async (ctx) => {
      let stalled = 0;
      while (sink.offset < desc.size || desc.size === 0) {
        const start = sink.offset;
        const headers: Record<string, string> = { accept: `${desc.mediaType || 'application/octet-stream'}, */*` };
        if (start > 0) headers.range = `bytes=${start}-`;
        const res = await exchange(ctx, {
          method: 'GET',
          path: `/${this.#o.repository}/blobs/${desc.digest}`,
          headers,
          scopes: [pullScope(this.#o.repository)],
          signal,
          idleTimeoutMs: this.#o.idleTimeoutMs,
        });
        if (res.status !== 200 && res.status !== 206) {
          const text = await readBody(res.body, 64 * 1024).catch(() => Buffer.alloc(0));
          throw statusError(res.status, text.toString('utf8'), ctx.errorContext, 'blob', desc.digest);
        }
        // A server that ignores Range sends the whole blob again: skip what we already hold.
        let skip = res.status === 206 && rangeStart(res.headers['content-range']) === start ? 0 : start;
        try {
          await pump(res.body, sink, skip, desc.size, onProgress);
          skip = 0;
        } catch (err) {
          if (err instanceof ImageError) throw err;
          const failure = classify(err);
          if (failure.kind === 'aborted' || signal?.aborted) throw new ImageError(ErrorCode.Aborted, `pulling ${this.#o.image}: cancelled`);
        }
        if (desc.size === 0) break;
        if (sink.offset < desc.size) {
          stalled = sink.offset > start ? 0 : stalled + 1;
          if (stalled >= MAX_STALLED_RESUMES) {
            throw new ImageError(ErrorCode.RegistryUnavailable, `pulling ${this.#o.image}: download of ${desc.digest} from ${ctx.endpoint.host} keeps breaking off at byte ${sink.offset} of ${desc.size}`, { registry: this.#o.registry, temporary: true });
          }
        }
      }
    });
  }

  async #tryEndpoints<T>(need: 'pull' | 'resolve', fn: (ctx: ExchangeContext) => Promise<T>): Promise<T> {
    const candidates = this.#o.endpoints.filter((e) => e.capabilities[need]);
    if (candidates.length === 0) {
      throw new ImageError(ErrorCode.InvalidArgument, `pulling ${this.#o.image}: no configured host for ${this.#o.registry} has the "${need}" capability (see hosts.toml)`);
    }
    let firstError: unknown;
    for (const endpoint of candidates) {
      const errorContext: ErrorContext = {
        image: this.#o.image,
        registry: this.#o.registry,
        host: endpoint.host,
        certsDir: this.#o.certsDir,
        credential: endpoint.mirror ? undefined : this.#o.credential,
      };
      const authorizer = endpoint.mirror ? this.#mirrorAuthorizer : this.#authorizer;
      const ctx: ExchangeContext = { endpoint, registry: this.#o.registry, authorizer, retry: this.#o.retry ?? DEFAULT_RETRY, errorContext };
      try {
        return await fn(ctx);
      } catch (err) {
        if (err instanceof ImageError && (err.code === ErrorCode.Aborted || err.code === ErrorCode.DigestMismatch)) throw err;
        // The registry itself (the last endpoint) has the final word; a mirror's failure only
        // matters when nothing else answered.
        firstError = endpoint.mirror ? (firstError ?? err) : err;
      }
    }
    throw firstError;
  }
}

function isInsecure(ep: RegistryEndpoint): boolean {
  return ep.scheme === 'http' || !ep.tls.verify;
}

function rangeStart(header: string | undefined): number | undefined {
  const m = /^bytes (\d+)-/.exec(header ?? '');
  return m ? Number(m[1]) : undefined;
}

async function pump(body: AsyncIterable<unknown>, sink: BlobSink, skip: number, size: number, onProgress?: (n: number) => void): Promise<void> {
  const out = new BatchWriter(sink);
  let received = sink.offset;
  try {
    for await (const raw of body) {
      let chunk = raw as Buffer;
      if (skip > 0) {
        const n = Math.min(skip, chunk.length);
        skip -= n;
        chunk = chunk.subarray(n);
        if (chunk.length === 0) continue;
      }
      received += chunk.length;
      if (size > 0 && received > size) {
        throw new ImageError(ErrorCode.SizeLimit, `blob is larger than the ${size} bytes its descriptor declares`);
      }
      await out.push(chunk);
      onProgress?.(chunk.length);
    }
  } finally {
    // Keep what arrived before a drop: the resume starts after it.
    await out.flush();
  }
}

