// A keyring of registry credentials built from docker config documents, answering "which
// credentials may be tried for this image, in which order" exactly as the kubelet does
// (pkg/credentialprovider: BasicDockerKeyring, UnionDockerKeyring, secrets.MakeDockerKeyring).
// https://github.com/kubernetes/kubernetes/blob/master/pkg/credentialprovider/keyring.go

import { Buffer } from 'node:buffer';
import type { Credential } from './credential.ts';
import { quoteForMessage } from './digest.ts';
import { ErrorCode, ImageError } from './errors.ts';
import { registryKey, registryKeyMatches } from './keyring-match.ts';
import { parseReference, type Reference } from './reference.ts';

/** The index key Docker Hub credentials end up under (`https://index.docker.io/v1/` normalized). */
const DOCKER_HUB_KEY = 'index.docker.io';

// Top-level keys of ~/.docker/config.json other than "auths". A document holding any of them is a
// config.json, not a legacy .dockercfg map whose keys are registries.
const CONFIG_JSON_KEYS = new Set([
  'auths', 'credsStore', 'credHelpers', 'HttpHeaders', 'psFormat', 'imagesFormat', 'detachKeys',
  'experimental', 'proxies', 'currentContext', 'plugins', 'aliases', 'features', 'stackOrchestrator',
]);

export interface KeyringAddOptions {
  /** Where the document came from, e.g. `secret default/regcred`; shown in errors, kept on matches. */
  source?: string;
}

export interface KeyringMatch {
  /** The normalized config key that matched, e.g. `index.docker.io` or `quay.io/org`. */
  key: string;
  credential: Credential;
  source: string | undefined;
}

interface Entry {
  credential: Credential;
  source: string | undefined;
}

/** One BasicDockerKeyring: keys sorted in reverse byte order, so longer paths come first. */
interface Layer {
  index: string[];
  creds: Map<string, Entry[]>;
}

export class Keyring {
  // Several layers only after merge(): each is looked up on its own and the results concatenated,
  // like the kubelet's union of the pod-secret keyring and the node keyring.
  #layers: Layer[] = [{ index: [], creds: new Map() }];
  #ignored: string[] = [];

  /** One keyring from several documents, e.g. all of a pod's imagePullSecrets, in order. */
  static fromDockerConfigs(docs: unknown[], options: KeyringAddOptions = {}): Keyring {
    const keyring = new Keyring();
    for (const doc of docs) keyring.add(doc, options);
    return keyring;
  }

  /**
   * Adds a parsed docker config: `{"auths": {...}}` (config.json, .dockerconfigjson) or a legacy
   * .dockercfg map. All or nothing: a malformed entry throws ImageError INVALID_CREDENTIALS naming
   * its key, and the keyring is left as it was. Keys Go's URL parser rejects are skipped, as the
   * kubelet does; they are listed in `ignoredKeys`.
   */
  add(doc: unknown, options: KeyringAddOptions = {}): this {
    const where = options.source === undefined ? '' : ` in ${options.source}`;
    const parsed: [key: string, entry: Entry][] = [];
    for (const [location, value] of Object.entries(configEntries(doc, where))) {
      const credential = parseEntry(location, value, where);
      const key = registryKey(location);
      if (key === undefined) this.#ignored.push(location);
      else parsed.push([key, { credential, source: options.source }]);
    }
    const layer = this.#layers[0] as Layer;
    for (const [key, entry] of parsed) {
      const list = layer.creds.get(key);
      if (list === undefined) layer.creds.set(key, [entry]);
      else list.push(entry);
    }
    layer.index = [...layer.creds.keys()].sort((a, b) => Buffer.compare(Buffer.from(b), Buffer.from(a)));
    return this;
  }

  /**
   * A new keyring that answers with this keyring's matches first, then `other`'s: pod secrets
   * merged with the node's config. Later add() calls on the result go to this keyring's part.
   */
  merge(other: Keyring): Keyring {
    const merged = new Keyring();
    merged.#layers = [...this.#layers, ...other.#layers].map((layer) => ({
      index: [...layer.index],
      creds: new Map([...layer.creds].map(([key, entries]) => [key, [...entries]])),
    }));
    merged.#ignored = [...this.#ignored, ...other.#ignored];
    return merged;
  }

  /** Config keys that were skipped because they do not parse as URLs. */
  get ignoredKeys(): readonly string[] {
    return [...this.#ignored];
  }

  /**
   * Every credential to try for `image`, best first. Matching uses the normalized repository
   * name (`nginx` -> `docker.io/library/nginx`); an empty list means pull anonymously.
   * Throws InvalidReferenceError when `image` is a string that does not parse.
   */
  lookup(image: string | Reference): Credential[] {
    return this.matches(image).map((match) => match.credential);
  }

  /** lookup() with the matching key and the source of each credential. */
  matches(image: string | Reference): KeyringMatch[] {
    const name = typeof image === 'string' ? parseReference(image).name : image.name;
    return this.#layers.flatMap((layer) => lookupLayer(layer, name));
  }
}

function lookupLayer(layer: Layer, name: string): KeyringMatch[] {
  const found: KeyringMatch[] = [];
  for (const key of layer.index) {
    if (!registryKeyMatches(key, name)) continue;
    for (const entry of layer.creds.get(key) ?? []) found.push({ key, ...entry });
  }
  if (found.length > 0 || !isDefaultRegistryMatch(name)) return found;
  return (layer.creds.get(DOCKER_HUB_KEY) ?? []).map((entry) => ({ key: DOCKER_HUB_KEY, ...entry }));
}

/**
 * The kubelet's isDefaultRegistryMatch, on the normalized name. Note that it also holds for a
 * first component without "." or ":" such as `localhost/x`: the kubelet then offers Docker Hub
 * credentials too, and so does Ferry, to behave the same.
 */
function isDefaultRegistryMatch(name: string): boolean {
  const slash = name.indexOf('/');
  const first = slash < 0 ? name : name.slice(0, slash);
  if (first === '') return false;
  if (slash < 0 || first === 'docker.io' || first === 'index.docker.io') return true;
  return !first.includes('.') && !first.includes(':');
}

function configEntries(doc: unknown, where: string): Record<string, unknown> {
  if (!isObject(doc)) {
    throw new ImageError(
      ErrorCode.InvalidCredentials,
      `docker config${where} must be a JSON object like {"auths": {"registry.example.com": {"auth": "..."}}}, got ${describeType(doc)}`,
    );
  }
  if (!Object.keys(doc).some((key) => CONFIG_JSON_KEYS.has(key))) return doc;
  const auths = doc['auths'];
  if (auths === undefined || auths === null) return {};
  if (!isObject(auths)) {
    throw new ImageError(ErrorCode.InvalidCredentials, `docker config${where}: "auths" must be an object, got ${describeType(auths)}`);
  }
  return auths;
}

/**
 * One entry, read like Go's encoding/json into the kubelet's struct: field names match
 * case-insensitively with the last one winning, null means empty, and "auth" (base64 of
 * "user:password") wins over "username"/"password".
 */
function parseEntry(location: string, value: unknown, where: string): Credential {
  const fail = (problem: string): ImageError =>
    new ImageError(ErrorCode.InvalidCredentials, `docker config entry ${quoteForMessage(location)}${where}: ${problem}`, {
      registry: location,
    });
  if (value === null) return {};
  if (!isObject(value)) throw fail(`must be an object with "auth" or "username" and "password", got ${describeType(value)}`);

  const fields: Record<string, string> = {};
  for (const [name, field] of Object.entries(value)) {
    const lower = name.toLowerCase();
    if (!['auth', 'username', 'password', 'identitytoken', 'registrytoken', 'email'].includes(lower)) continue;
    // encoding/json leaves a string field untouched for null.
    if (field === null) continue;
    if (typeof field !== 'string') throw fail(`"${lower}" must be a string, got ${describeType(field)}`);
    fields[lower] = field;
  }

  let username = fields['username'];
  let password = fields['password'];
  const auth = fields['auth'];
  if (auth) {
    const decoded = decodeBase64(auth);
    if (decoded === undefined) {
      throw fail('"auth" is not valid base64; it must be base64 of "user:password" (printf %s "user:password" | base64)');
    }
    const colon = decoded.indexOf(':');
    if (colon < 0) throw fail('"auth" does not decode to "user:password" (no ":" found)');
    username = decoded.slice(0, colon);
    password = decoded.slice(colon + 1);
  }

  const credential: Credential = {};
  if (username) credential.username = username;
  if (password) credential.password = password;
  if (fields['identitytoken']) credential.identityToken = fields['identitytoken'];
  if (fields['registrytoken']) credential.registryToken = fields['registrytoken'];
  return credential;
}

/**
 * Go's base64 as the kubelet uses it: padded (StdEncoding) when the value ends in "=", unpadded
 * (RawStdEncoding) otherwise; line breaks are ignored, anything else outside the alphabet fails.
 */
function decodeBase64(text: string): string | undefined {
  const clean = text.replace(/[\r\n]/g, '');
  if (text.trim().endsWith('=')) {
    if (clean.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) return undefined;
  } else if (clean.length % 4 === 1 || !/^[A-Za-z0-9+/]*$/.test(clean)) {
    return undefined;
  }
  return Buffer.from(clean, 'base64').toString('utf8');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeType(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}
