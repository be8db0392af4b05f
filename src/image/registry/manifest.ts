// Manifest media types, parsing and platform selection
// (https://github.com/opencontainers/image-spec/blob/main/manifest.md, .../image-index.md,
// Docker's image manifest v2 schema 2).
import { ErrorCode, ImageError } from '../errors.ts';
import { MediaType, type Descriptor, type Platform } from '../oci-types.ts';

export { MediaType };

export const MANIFEST_ACCEPT = [
  MediaType.OciIndex,
  MediaType.OciManifest,
  MediaType.DockerManifestList,
  MediaType.DockerManifest,
  '*/*',
].join(', ');

// containerd's limit: larger manifests are not images, and buffering them risks memory.
export const MAX_MANIFEST_BYTES = 4 * 1048 * 1048;

export type { Descriptor, Platform };

export interface ImageManifest {
  kind: 'manifest';
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
}

export interface ImageIndex {
  kind: 'index';
  mediaType: string;
  manifests: Descriptor[];
}

export function parseManifest(bytes: Buffer, contentType: string | undefined, where: string): ImageManifest | ImageIndex {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new ImageError(ErrorCode.RegistryProtocol, `${where}: the manifest is not valid JSON`);
  }
  const declared = typeof doc.mediaType === 'string' ? doc.mediaType : undefined;
  const type = declared ?? normalizeContentType(contentType);
  if (doc.schemaVersion === 1 || type === MediaType.DockerSchema1 || type === MediaType.DockerSchema1Signed) {
    throw new ImageError(
      ErrorCode.UnsupportedManifest,
      `${where} uses Docker image manifest schema 1, which is deprecated and unsupported: re-push the image with a current Docker, Podman or skopeo`,
    );
  }
  if (Array.isArray(doc.manifests) || type === MediaType.OciIndex || type === MediaType.DockerManifestList) {
    const manifests = (Array.isArray(doc.manifests) ? doc.manifests : []).map((d) => descriptor(d, where));
    return { kind: 'index', mediaType: type ?? MediaType.OciIndex, manifests };
  }
  if (typeof doc.config === 'object' && doc.config !== null && Array.isArray(doc.layers)) {
    return {
      kind: 'manifest',
      mediaType: type ?? MediaType.OciManifest,
      config: descriptor(doc.config, where),
      layers: doc.layers.map((d) => descriptor(d, where)),
    };
  }
  throw new ImageError(ErrorCode.UnsupportedManifest, `${where}: unsupported manifest type ${type ?? '(none given)'}`);
}

function normalizeContentType(ct: string | undefined): string | undefined {
  return ct?.split(';')[0]?.trim();
}

function descriptor(d: unknown, where: string): Descriptor {
  const o = d as Record<string, unknown>;
  if (typeof o !== 'object' || o === null || typeof o.digest !== 'string' || typeof o.size !== 'number' || o.size < 0) {
    throw new ImageError(ErrorCode.RegistryProtocol, `${where}: the manifest has a malformed descriptor`);
  }
  if (!/^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/.test(o.digest)) {
    throw new ImageError(ErrorCode.RegistryProtocol, `${where}: the manifest names an invalid digest`);
  }
  const out: Descriptor = { mediaType: typeof o.mediaType === 'string' ? o.mediaType : '', digest: o.digest, size: o.size };
  if (Array.isArray(o.urls)) out.urls = o.urls.filter((u): u is string => typeof u === 'string');
  if (typeof o.annotations === 'object' && o.annotations !== null) out.annotations = o.annotations as Record<string, string>;
  const p = o.platform as Record<string, unknown> | undefined;
  if (typeof p === 'object' && p !== null && typeof p.os === 'string' && typeof p.architecture === 'string') {
    out.platform = { os: p.os, architecture: p.architecture };
    if (typeof p.variant === 'string') out.platform.variant = p.variant;
  }
  return out;
}

const NODE_ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };

export function hostPlatform(): Platform {
  const architecture = NODE_ARCH[process.arch] ?? process.arch;
  const p: Platform = { os: process.platform === 'win32' ? 'windows' : process.platform, architecture };
  if (architecture === 'arm64') p.variant = 'v8';
  if (architecture === 'arm') p.variant = `v${(process.config.variables as Record<string, unknown>).arm_version ?? '7'}`;
  return p;
}

/** `os/arch[/variant]`, as `--platform` takes it. */
export function parsePlatform(text: string): Platform {
  const [os, architecture, variant, extra] = text.split('/');
  if (!os || !architecture || extra !== undefined) {
    throw new ImageError(ErrorCode.InvalidArgument, `invalid platform "${text}": expected os/arch or os/arch/variant, e.g. linux/amd64`);
  }
  return variant ? { os, architecture, variant } : { os, architecture };
}

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** The index entry for `want`; arm64's variant v8 is implied when an entry names none. */
export function selectPlatform(index: ImageIndex, want: Platform, where: string): Descriptor {
  const norm = (p: Platform): string => formatPlatform(p.architecture === 'arm64' && p.variant === undefined ? { ...p, variant: 'v8' } : p);
  const images = index.manifests.filter((d) => d.platform !== undefined && d.platform.architecture !== 'unknown');
  const exact = images.find((d) => norm(d.platform as Platform) === norm(want));
  const loose = want.variant === undefined ? undefined : images.find((d) => d.platform?.os === want.os && d.platform.architecture === want.architecture && d.platform.variant === undefined);
  const found = exact ?? loose;
  if (found !== undefined) return found;
  const offered = images.map((d) => formatPlatform(d.platform as Platform)).join(', ') || 'none';
  throw new ImageError(
    ErrorCode.PlatformNotFound,
    `${where} has no image for platform ${formatPlatform(want)} (it offers: ${offered}); pick one with --platform`,
  );
}
