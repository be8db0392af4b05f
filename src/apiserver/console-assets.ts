// The web console's built files (`npm run build` writes them): served to anyone, since they hold
// no secrets and the console signs in with a token it sends on every API call like any client.
// Files never leave the build directory; any other path under /console/ is a client-side route
// and gets index.html.
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';

export const CONSOLE_PREFIX = '/console/';

// The console loads its own script and styles only and talks to this origin only.
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

const NOT_BUILT =
  'The Ferry console is not built yet. Run `npm run build` in the Ferry checkout (`npm start` does it for you), then reload this page.\n';

/**
 * The file under `dir` that a path below /console/ names, or undefined when it would leave `dir`
 * (`..`, an absolute path, a NUL byte, a malformed escape).
 */
export function confinedPath(dir: string, urlPath: string): string | undefined {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (rel.includes('\0') || rel.includes('\\')) return undefined;
  const root = resolve(dir);
  const full = resolve(root, `./${rel}`);
  const inside = relative(root, full);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside) || inside.split(sep).includes('..')) return undefined;
  return full;
}

function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': CONSOLE_CSP,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
}

async function fileBody(path: string): Promise<Buffer | undefined> {
  try {
    if (!(await stat(path)).isFile()) return undefined;
    return await readFile(path);
  } catch {
    return undefined;
  }
}

function send(req: IncomingMessage, res: ServerResponse, status: number, headers: Record<string, string>, body: Buffer | string): void {
  res.writeHead(status, { ...securityHeaders(), ...headers, 'Content-Length': String(Buffer.byteLength(body)) });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/**
 * Serves `/` (a redirect), `/console` and everything below it from `dir`. Returns false for
 * other paths and for methods other than GET and HEAD, which the API handles (and refuses).
 */
export async function handleConsole(req: IncomingMessage, res: ServerResponse, url: URL, dir: string): Promise<boolean> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const path = url.pathname;
  if (path === '/' || path === '/console') {
    res.writeHead(302, { Location: CONSOLE_PREFIX, 'Content-Length': '0' });
    res.end();
    return true;
  }
  if (!path.startsWith(CONSOLE_PREFIX)) return false;
  const index = await fileBody(resolve(dir, 'index.html'));
  if (index === undefined) {
    send(req, res, 503, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }, NOT_BUILT);
    return true;
  }
  const rel = path.slice(CONSOLE_PREFIX.length);
  if (rel !== '' && rel !== 'index.html') {
    const file = confinedPath(dir, rel);
    if (file === undefined) {
      send(req, res, 400, { 'Content-Type': 'text/plain; charset=utf-8' }, `The path ${JSON.stringify(path)} leaves the console's files.\n`);
      return true;
    }
    const body = await fileBody(file);
    if (body !== undefined) {
      // Vite puts a content hash in every name under assets/, so those never change.
      const cache = rel.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
      send(req, res, 200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': cache }, body);
      return true;
    }
    // A missing asset is an error; anything else is a page of the single-page app.
    if (rel.startsWith('assets/') || extname(rel) !== '') {
      send(req, res, 404, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache' }, `No console file ${JSON.stringify(rel)}: rebuild with \`npm run build\` and reload.\n`);
      return true;
    }
  }
  send(req, res, 200, { 'Content-Type': TYPES['.html'] as string, 'Cache-Control': 'no-cache' }, index);
  return true;
}
