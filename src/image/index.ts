// ferry/image: the image engine as a library. Knows nothing of Kubernetes.
export * from './errors.ts';
export * from './pull.ts';
export type * from './pull-types.ts';
export { RegistryClient } from './registry/client.ts';
export type { BlobSink, FetchedManifest, RegistryClientOptions } from './registry/client.ts';
export { resolveEndpoints } from './registry/hosts.ts';
export type { RegistryEndpoint, RegistrySettings, TlsOptions } from './registry/hosts.ts';
export { parseHostList, hostListMatches } from './registry/host-list.ts';
export { closeIdleConnections } from './registry/http.ts';
export { MediaType, hostPlatform, parsePlatform, formatPlatform } from './registry/manifest.ts';
export type { Descriptor, Platform } from './registry/manifest.ts';
export * from './reference.ts';
export { DIGEST_ALGORITHMS, digestHex, isDigest, parseDigest, sha256Digest, sha256Hex } from './digest.ts';
export type { DigestAlgorithm, ParsedDigest } from './digest.ts';
export * from './credential.ts';
export * from './keyring.ts';
export * from './auth-file.ts';
export * from './credential-helpers.ts';
