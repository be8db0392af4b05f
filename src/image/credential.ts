// Registry credentials as the Docker config and CRI AuthConfig carry them, plus the two safe views
// of one that the rest of Ferry may show or store: a fingerprint and a description.

import { sha256Hex } from './digest.ts';

export type Credential = {
  username?: string;
  password?: string;
  /** OAuth2 refresh token, exchanged at the token endpoint (Docker's "identitytoken"). */
  identityToken?: string;
  /** Bearer token sent to the registry as is (Docker's "registrytoken"). */
  registryToken?: string;
};

const FIELDS = ['identityToken', 'password', 'registryToken', 'username'] as const;
// User names are shown in messages; a hostile config could hold anything, so keep them short.
const MAX_SHOWN_USERNAME = 64;

export const ANONYMOUS_FINGERPRINT = 'anonymous';

/** True when `c` carries nothing to authenticate with: pulling with it is pulling anonymously. */
export function isAnonymous(c: Credential | undefined): boolean {
  return c === undefined || FIELDS.every((field) => !c[field]);
}

/**
 * A stable identity for a credential without revealing it: `sha256:<hex>` of a canonical JSON
 * (fixed key order, empty fields left out), or `anonymous`. Ferry records it next to pulled
 * images so that a later pod must show the same credential before it may use a private image
 * (the idea of KEP-2535, "ensure secret pulled images").
 */
export function credentialFingerprint(c: Credential | undefined): string {
  if (c === undefined || isAnonymous(c)) return ANONYMOUS_FINGERPRINT;
  const canonical: Record<string, string> = {};
  for (const field of FIELDS) {
    const value = c[field];
    if (value) canonical[field] = value;
  }
  return `sha256:${sha256Hex(JSON.stringify(canonical))}`;
}

/** Describes a credential for an error message: the user name at most, never a secret. */
export function describeCredential(c: Credential | undefined): string {
  if (c === undefined || isAnonymous(c)) return 'no credentials';
  if (c.username) {
    // eslint-disable-next-line no-control-regex -- stripping control characters is the point
    let shown = c.username.replace(/[\u0000-\u001f\u007f]/g, '');
    if (shown.length > MAX_SHOWN_USERNAME) shown = `${shown.slice(0, MAX_SHOWN_USERNAME)}...`;
    const extra = c.identityToken ? ' with an identity token' : c.registryToken ? ' with a registry token' : '';
    return `user ${JSON.stringify(shown)}${extra}`;
  }
  if (c.identityToken) return 'an identity token';
  if (c.registryToken) return 'a registry token';
  return 'a password without a user name';
}
