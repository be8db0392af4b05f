// How the kubelet turns a docker config key into an index key and matches it against an image
// name, reproduced from pkg/credentialprovider/keyring.go (BasicDockerKeyring.Add, URLsMatch).
// The Go behaviour rests on net/url.Parse, net.SplitHostPort and path/filepath.Match; the small
// parts of each that matter are reimplemented here, because WHATWG URL parsing lowercases hosts,
// resolves "..", and accepts things Go rejects, which would change which credential is sent where.
// https://github.com/kubernetes/kubernetes/blob/master/pkg/credentialprovider/keyring.go

interface SchemelessUrl {
  /** Host with port and IPv6 brackets, as Go's URL.Host. */
  host: string;
  /** Percent-decoded path, as Go's URL.Path. */
  path: string;
}

// Go's shouldEscape(c, encodeHost) is false for these ASCII characters; any other ASCII
// character in a host makes url.Parse fail ("invalid character in host name").
const HOST_CHARS = /^[A-Za-z0-9\-_.~!$&'()*+,;=:[\]<>"]*$/;
const USERINFO_CHARS = /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/;
// eslint-disable-next-line no-control-regex -- Go's url.Parse rejects ASCII control bytes
const CONTROL = /[\u0000-\u001f\u007f]/;
const BAD_ESCAPE = /%(?![0-9a-fA-F]{2})/;

/** Go's url.Parse for a URL known to start with "<scheme>://"; undefined where Go errors. */
function parseUrl(raw: string): SchemelessUrl | undefined {
  if (CONTROL.test(raw)) return undefined;
  const hash = raw.indexOf('#');
  if (hash >= 0 && BAD_ESCAPE.test(raw.slice(hash + 1))) return undefined;
  let rest = hash >= 0 ? raw.slice(0, hash) : raw;
  rest = rest.slice(rest.indexOf('://') + 3);
  const query = rest.indexOf('?');
  if (query >= 0) rest = rest.slice(0, query);
  const slash = rest.indexOf('/');
  const authority = slash >= 0 ? rest.slice(0, slash) : rest;
  const rawPath = slash >= 0 ? rest.slice(slash) : '';

  const at = authority.lastIndexOf('@');
  if (at >= 0 && !USERINFO_CHARS.test(authority.slice(0, at))) return undefined;
  const host = authority.slice(at + 1);
  if (!validHost(host)) return undefined;
  if (BAD_ESCAPE.test(rawPath)) return undefined;
  let path = rawPath;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    // Go keeps the raw bytes of an escape that is not UTF-8; the undecoded path is the nearest.
  }
  return { host, path };
}

/** Go's url.parseHost: port digits only, brackets closed, no characters a host cannot hold. */
function validHost(host: string): boolean {
  let colonPort = '';
  if (host.startsWith('[')) {
    const close = host.lastIndexOf(']');
    if (close < 0) return false;
    colonPort = host.slice(close + 1);
  } else {
    const colon = host.lastIndexOf(':');
    if (colon >= 0) colonPort = host.slice(colon);
  }
  if (colonPort !== '' && !/^:[0-9]*$/.test(colonPort)) return false;
  // Percent escapes in a host are legal in Go only for non-ASCII bytes; no registry needs them.
  return !host.includes('%') && HOST_CHARS.test(host.replace(/\P{ASCII}/gu, ''));
}

/** Go's net.SplitHostPort; on error the kubelet uses the whole host and an empty port. */
function splitHostPort(hostport: string): [host: string, port: string] {
  const whole: [string, string] = [hostport, ''];
  const lastColon = hostport.lastIndexOf(':');
  if (lastColon < 0) return whole;
  let host: string;
  let openFrom = 0;
  let closeFrom = 0;
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']');
    if (end < 0 || end + 1 !== lastColon) return whole;
    host = hostport.slice(1, end);
    openFrom = 1;
    closeFrom = end + 1;
  } else {
    host = hostport.slice(0, lastColon);
    if (host.includes(':')) return whole;
  }
  if (hostport.slice(openFrom).includes('[') || hostport.slice(closeFrom).includes(']')) return whole;
  return [host, hostport.slice(lastColon + 1)];
}

/**
 * The index key the kubelet stores a docker config entry under: scheme dropped, a leading
 * `/v1` or `/v2` dropped, and `host[:port]` alone when no path is left. `https://index.docker.io/v1/`
 * becomes `index.docker.io`. Undefined for a key Go cannot parse (the kubelet skips those).
 */
export function registryKey(location: string): string | undefined {
  const value = location.startsWith('https://') || location.startsWith('http://') ? location : `https://${location}`;
  const parsed = parseUrl(value);
  if (parsed === undefined) return undefined;
  let path = parsed.path;
  if (path.startsWith('/v2/') || path.startsWith('/v1/')) path = path.slice(3);
  return path.length > 0 && path !== '/' ? parsed.host + path : parsed.host;
}

/**
 * Whether index key `glob` covers image name `target` (kubelet URLsMatchStr): equal ports, the
 * same number of host labels, each label matched as a glob, and the key's path a plain string
 * prefix of the image's path. Case-sensitive, like the kubelet.
 */
export function registryKeyMatches(glob: string, target: string): boolean {
  const g = parseUrl(`https://${glob}`);
  const t = parseUrl(`https://${target}`);
  if (g === undefined || t === undefined) return false;
  const [globHost, globPort] = splitHostPort(g.host);
  const [targetHost, targetPort] = splitHostPort(t.host);
  if (globPort !== targetPort) return false;
  const globLabels = globHost.split('.');
  const targetLabels = targetHost.split('.');
  if (globLabels.length !== targetLabels.length) return false;
  if (!t.path.startsWith(g.path)) return false;
  return globLabels.every((label, i) => globMatch(label, targetLabels[i] ?? ''));
}

/**
 * Go's path/filepath.Match on Unix: `*`, `?`, `[...]` classes with `^` and ranges, `\` escapes.
 * A malformed pattern matches nothing, as the kubelet ignores Match's error. Ported chunk by
 * chunk rather than as a backtracking matcher: keys come from pod secrets, and a pattern such as
 * `*a*a*a*a*b` must not cost more than Go's O(pattern x name).
 */
export function globMatch(pattern: string, name: string): boolean {
  let p = Array.from(pattern);
  let s = Array.from(name);
  while (p.length > 0) {
    const { star, chunk, rest } = scanChunk(p);
    p = rest;
    if (star && chunk.length === 0) return !s.includes('/');
    const here = matchChunk(chunk, s);
    if (here !== undefined && here !== BAD && (here.length === 0 || p.length > 0)) {
      s = here;
      continue;
    }
    if (here === BAD) return false;
    let advanced = false;
    if (star) {
      for (let i = 0; i < s.length && s[i] !== '/'; i++) {
        const t = matchChunk(chunk, s.slice(i + 1));
        if (t === BAD) return false;
        if (t !== undefined) {
          if (p.length === 0 && t.length > 0) continue;
          s = t;
          advanced = true;
          break;
        }
      }
    }
    if (!advanced) return false;
  }
  return s.length === 0;
}

const BAD = Symbol('bad pattern');

function scanChunk(p: string[]): { star: boolean; chunk: string[]; rest: string[] } {
  let from = 0;
  while (p[from] === '*') from++;
  let inRange = false;
  let i = from;
  for (; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') {
      if (i + 1 < p.length) i++;
    } else if (c === '[') {
      inRange = true;
    } else if (c === ']') {
      inRange = false;
    } else if (c === '*' && !inRange) {
      break;
    }
  }
  return { star: from > 0, chunk: p.slice(from, i), rest: p.slice(i) };
}

/** Matches `chunk` at the start of `s`: the rest of `s`, undefined for no match, BAD for a bad pattern. */
function matchChunk(chunk: string[], s: string[]): string[] | undefined | typeof BAD {
  let failed = false;
  let ci = 0;
  let si = 0;
  while (ci < chunk.length) {
    if (!failed && si >= s.length) failed = true;
    const ch = s[si] ?? '';
    const c = chunk[ci];
    if (c === '[') {
      ci++;
      const negated = chunk[ci] === '^';
      if (negated) ci++;
      let matched = false;
      let ranges = 0;
      for (;;) {
        if (chunk[ci] === ']' && ranges > 0) {
          ci++;
          break;
        }
        const lo = classChar(chunk, ci);
        if (lo === undefined) return BAD;
        let hi = lo;
        ci = lo.next;
        if (chunk[ci] === '-') {
          const upper = classChar(chunk, ci + 1);
          if (upper === undefined) return BAD;
          hi = upper;
          ci = hi.next;
        }
        const code = ch.codePointAt(0) ?? -1;
        if ((lo.char.codePointAt(0) ?? 0) <= code && code <= (hi.char.codePointAt(0) ?? 0)) matched = true;
        ranges++;
      }
      if (matched === negated) failed = true;
      si++;
    } else if (c === '?') {
      if (ch === '/') failed = true;
      ci++;
      si++;
    } else {
      if (c === '\\') {
        ci++;
        if (ci >= chunk.length) return BAD;
      }
      if (chunk[ci] !== ch) failed = true;
      ci++;
      si++;
    }
  }
  return failed ? undefined : s.slice(si);
}

/** Go's getEsc: one class character, possibly escaped; undefined for a bad pattern. */
function classChar(p: string[], i: number): { char: string; next: number } | undefined {
  let c = p[i];
  if (c === undefined || c === '-' || c === ']') return undefined;
  let next = i + 1;
  if (c === '\\') {
    c = p[next];
    next++;
    if (c === undefined) return undefined;
  }
  // Go also rejects a class that ends right after this character ("[a").
  return next >= p.length ? undefined : { char: c, next };
}
