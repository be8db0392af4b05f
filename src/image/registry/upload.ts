// Pushing to one repository of a registry with one credential (OCI distribution spec,
// https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pushing-blobs):
// HEAD to see whether a blob or manifest is there, cross-repository mount, monolithic or chunked
// uploads streamed from disk, manifests PUT byte for byte with the registry's digest checked.
// Requests go through exchange(), so authentication, redirect rules and retries are the pull's.
import type { Readable } from 'node:stream';
import type { Credential } from '../credential.ts';
import { ErrorCode, ImageError } from '../errors.ts';
import { Authorizer } from './authorizer.ts';
import { readBody } from './body.ts';
import { endpointUrl, exchange, type ExchangeContext, type ExchangeOptions } from './exchange.ts';
import type { RegistryClientOptions } from './client.ts';
import type { HttpResponse } from './http.ts';
import { MANIFEST_ACCEPT } from './manifest.ts';
import { pushStatusError, type PushErrorContext } from './push-errors.ts';
import { DEFAULT_RETRY } from './retry.ts';

/** The pull client's options (the same registry, endpoints and credential), plus upload settings. */
export interface PushClientOptions extends RegistryClientOptions {
  /** Upload in PATCH requests of at most this many bytes (for proxies that cap request bodies); default one PUT. */
  chunkSize?: number | undefined;
}

/** Opens the bytes `start` to `end` (inclusive) of the blob being uploaded. */
export type OpenRange = (start: number, end: number) => Readable | Promise<Readable>;

export type MountOutcome = { mounted: true } | { mounted: false; location: string };

const ERROR_BODY_LIMIT = 64 * 1024;
const OCTET_STREAM = 'application/octet-stream';

/** `location` (absolute, or relative to `base`) with `params` set in its query, keeping the registry's own (`_state`). */
export function uploadUrl(location: string, base: URL, params: Record<string, string>): string {
  const u = new URL(location, base);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.href;
}

/** `repository:<name>:pull,push`: what every push request asks for. */
export function pushScope(repository: string): string {
  return `repository:${repository}:pull,push`;
}

export class RegistryPushClient {
  readonly #o: PushClientOptions;
  readonly #ctx: ExchangeContext;
  readonly #errorContext: PushErrorContext;

  constructor(options: PushClientOptions) {
    this.#o = options;
    // Only the registry itself takes pushes: a hosts.toml mirror is a read cache and, being another
    // host, never sees the registry's credential (ARCHITECTURE.md, security stance).
    const endpoint = options.endpoints.find((e) => !e.mirror && e.capabilities.push);
    if (endpoint === undefined) {
      throw new ImageError(ErrorCode.InvalidArgument, `pushing ${options.image}: the hosts.toml for ${options.registry} gives its server no "push" capability`, { registry: options.registry });
    }
    this.#errorContext = {
      image: options.image,
      registry: options.registry,
      host: endpoint.host,
      certsDir: options.certsDir,
      credential: options.credential,
      action: 'pushing',
      repository: options.repository,
    };
    this.#ctx = { endpoint, registry: options.registry, authorizer: new Authorizer(options.credential), retry: options.retry ?? DEFAULT_RETRY, errorContext: this.#errorContext };
  }

  get credential(): Credential | undefined {
    return this.#o.credential;
  }

  /** Whether the repository has the blob (HEAD; 404 means no). */
  async hasBlob(digest: string, signal?: AbortSignal): Promise<boolean> {
    return this.#exists(`/${this.#o.repository}/blobs/${digest}`, {}, `blob ${digest}`, signal);
  }

  async hasManifest(digest: string, signal?: AbortSignal): Promise<boolean> {
    return this.#exists(`/${this.#o.repository}/manifests/${digest}`, { accept: MANIFEST_ACCEPT }, `manifest ${digest}`, signal);
  }

  /**
   * Asks the registry to link a blob from repository `from` (spec: "Mounting a blob from another
   * repository"). 201: done. 202: the registry did not mount (no such blob there, no right to read
   * it, or no support) and opened an upload session instead, whose location is returned.
   */
  async mountBlob(digest: string, from: string, signal?: AbortSignal): Promise<MountOutcome> {
    const res = await this.#send({
      method: 'POST',
      path: `/${this.#o.repository}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(from)}`,
      scopes: [pushScope(this.#o.repository), `repository:${from}:pull`],
      body: '',
      signal,
    });
    if (res.status === 201) {
      res.body.resume();
      this.#checkDigest(res, digest, `blob ${digest}`);
      return { mounted: true };
    }
    if (res.status === 202) return { mounted: false, location: this.#location(res) };
    throw await this.#error(res, `the mount of blob ${digest} from ${from}`);
  }

  /** Opens an upload session; returns its location. */
  async startUpload(signal?: AbortSignal): Promise<string> {
    const res = await this.#send({ method: 'POST', path: `/${this.#o.repository}/blobs/uploads/`, body: '', signal });
    if (res.status !== 202) throw await this.#error(res, 'the start of a blob upload');
    return this.#location(res);
  }

  /**
   * Uploads a blob into the session at `location` (a new one when undefined): one streamed PUT, or
   * PATCH chunks and a closing PUT when chunkSize is set. Nothing is held in memory but a chunk in flight.
   */
  async uploadBlob(desc: { digest: string; size: number }, open: OpenRange, location: string | undefined, signal?: AbortSignal, onProgress?: (bytes: number) => void): Promise<void> {
    let at = location ?? (await this.startUpload(signal));
    const chunk = this.#o.chunkSize;
    const base = endpointUrl(this.#ctx.endpoint, '/', this.#o.registry);
    const what = `blob ${desc.digest}`;
    if (chunk !== undefined && chunk > 0 && desc.size > chunk) {
      for (let start = 0; start < desc.size; start += chunk) {
        const end = Math.min(desc.size, start + chunk) - 1;
        const res = await this.#send({
          method: 'PATCH',
          location: at,
          headers: { 'content-type': OCTET_STREAM, 'content-range': `${start}-${end}` },
          body: { size: end - start + 1, open: () => open(start, end) },
          signal,
        });
        if (res.status !== 202) throw await this.#error(res, `the upload of ${what} (bytes ${start}-${end})`);
        res.body.resume();
        at = this.#location(res);
        onProgress?.(end - start + 1);
      }
      await this.#finish(uploadUrl(at, base, { digest: desc.digest }), '', desc.digest, what, signal);
      return;
    }
    const body = desc.size === 0 ? '' : { size: desc.size, open: () => open(0, desc.size - 1) };
    await this.#finish(uploadUrl(at, base, { digest: desc.digest }), body, desc.digest, what, signal);
    onProgress?.(desc.size);
  }

  /** PUTs a manifest under `reference` (a digest or a tag), byte for byte; checks the digest the registry reports. */
  async putManifest(reference: string, bytes: Buffer, mediaType: string, digest: string, signal?: AbortSignal): Promise<void> {
    const what = `manifest ${digest}${reference === digest ? '' : ` as tag ${reference}`}`;
    const res = await this.#send({
      method: 'PUT',
      path: `/${this.#o.repository}/manifests/${reference}`,
      headers: { 'content-type': mediaType },
      body: bytes,
      signal,
    });
    if (res.status !== 201 && res.status !== 200) throw await this.#error(res, what);
    res.body.resume();
    this.#checkDigest(res, digest, what);
  }

  async #finish(url: string, body: ExchangeOptions['body'], digest: string, what: string, signal: AbortSignal | undefined): Promise<void> {
    const res = await this.#send({ method: 'PUT', location: url, headers: { 'content-type': OCTET_STREAM }, body, signal });
    if (res.status !== 201) throw await this.#error(res, `the upload of ${what}`);
    res.body.resume();
    this.#checkDigest(res, digest, what);
  }

  async #exists(path: string, headers: Record<string, string>, what: string, signal: AbortSignal | undefined): Promise<boolean> {
    const res = await this.#send({ method: 'HEAD', path, headers, signal });
    res.body.resume();
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    throw pushStatusError(res.status, '', res.headers['www-authenticate'], this.#errorContext, `a check for ${what}`);
  }

  #send(opts: Omit<ExchangeOptions, 'scopes' | 'path'> & { path?: string; scopes?: string[] }): Promise<HttpResponse> {
    return exchange(this.#ctx, { path: '', scopes: [pushScope(this.#o.repository)], idleTimeoutMs: this.#o.idleTimeoutMs, ...opts });
  }

  #location(res: HttpResponse): string {
    res.body.resume();
    const location = res.headers.location;
    if (typeof location !== 'string' || location === '') {
      throw new ImageError(ErrorCode.RegistryProtocol, `pushing ${this.#o.image}: registry ${this.#ctx.endpoint.host} opened an upload without a Location header`, { registry: this.#o.registry });
    }
    return location;
  }

  // Clients using Docker-Content-Digest MUST verify it (spec, "Pulling manifests"); for a push it
  // proves the registry stored the bytes we sent.
  #checkDigest(res: HttpResponse, digest: string, what: string): void {
    const header = res.headers['docker-content-digest'];
    if (typeof header === 'string' && header !== '' && header !== digest) {
      throw new ImageError(ErrorCode.DigestMismatch, `pushing ${this.#o.image}: registry ${this.#ctx.endpoint.host} stored ${what} as ${header}, expected ${digest}: the registry or something between altered the content`, { registry: this.#o.registry });
    }
  }

  async #error(res: HttpResponse, what: string): Promise<ImageError> {
    const text = await readBody(res.body, ERROR_BODY_LIMIT).catch(() => Buffer.alloc(0));
    return pushStatusError(res.status, text.toString('utf8'), res.headers['www-authenticate'], this.#errorContext, what);
  }
}
