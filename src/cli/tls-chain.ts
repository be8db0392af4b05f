// Reading the certificate chain a registry presents, and checking a CA against it, for
// `ferry registry trust`. Kept apart from the command so the TLS details are in one place.
import { X509Certificate } from 'node:crypto';
import { connect as netConnect, isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';

export interface Target {
  host: string;
  port: number;
  /** HOST or HOST:PORT as the user means it in messages (IPv6 bracketed). */
  display: string;
  /** The certs.d directory name: containerd looks up `<host>` for 443 and `<host:port>` otherwise. */
  dirName: string;
}

export interface ChainCert {
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  fingerprint256: string;
  ca: boolean;
  selfSigned: boolean;
  pem: string;
}

/** A failure reaching the server, with the message to print (names the host and the fix). */
export class TrustError extends Error {
  override name = 'TrustError';
}

export function parseTarget(arg: string): Target | undefined {
  let host: string;
  let port = 443;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(arg);
  if (bracketed) {
    host = bracketed[1] as string;
    if (bracketed[2] !== undefined) port = Number(bracketed[2]);
  } else if (isIP(arg) === 6) {
    host = arg;
  } else {
    const m = /^([^:/\s]+)(?::(\d+))?$/.exec(arg);
    if (!m) return undefined;
    host = m[1] as string;
    if (m[2] !== undefined) port = Number(m[2]);
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  const name = isIP(host) === 6 ? `[${host}]` : host;
  const display = port === 443 ? name : `${name}:${port}`;
  return { host, port, display, dirName: display };
}

// Node warns on (and RFC 6066 forbids) an IP address as SNI.
function servername(host: string): string | undefined {
  return isIP(host) === 0 ? host : undefined;
}

function describe(raw: Buffer): ChainCert {
  const x = new X509Certificate(raw);
  return {
    subject: x.subject.replaceAll('\n', ', '),
    issuer: x.issuer.replaceAll('\n', ', '),
    notBefore: new Date(x.validFrom).toISOString(),
    notAfter: new Date(x.validTo).toISOString(),
    fingerprint256: x.fingerprint256,
    ca: x.ca,
    selfSigned: x.checkIssued(x) && x.verify(x.publicKey),
    pem: x.toString(),
  };
}

const TLS_NOISE = /wrong version number|packet length too long|unknown protocol|http request|record layer failure|unexpected eof|ECONNRESET|socket disconnected/i;

function connectError(t: Target, err: NodeJS.ErrnoException): TrustError {
  if (err.code === 'ECONNREFUSED') return new TrustError(`cannot connect to ${t.display}: connection refused (is the registry running on port ${t.port}?)`);
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return new TrustError(`cannot resolve ${t.host}: ${err.code} (check the registry's host name)`);
  return new TrustError(`cannot connect to ${t.display}: ${err.message}`);
}

// A plain-HTTP server answers a ClientHello with an HTTP error, which OpenSSL reports as a record
// error; asking it plainly tells that case apart from a genuinely broken TLS server.
function speaksHttp(t: Target, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = netConnect({ host: t.host, port: t.port });
    let data = '';
    const done = (v: boolean) => {
      socket.destroy();
      resolve(v);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('connect', () => socket.write(`GET /v2/ HTTP/1.0\r\nHost: ${t.display}\r\n\r\n`));
    socket.on('data', (c: Buffer) => {
      data += c.toString('latin1');
      if (data.length >= 5) done(data.startsWith('HTTP/'));
    });
    socket.on('error', () => done(false));
    socket.on('end', () => done(data.startsWith('HTTP/')));
  });
}

/** Handshake without verification, only to read what the server presents (leaf first). */
export async function fetchChain(t: Target, timeoutMs: number): Promise<ChainCert[]> {
  const socket = await new Promise<TLSSocket>((resolve, reject) => {
    let connected = false;
    const s = tlsConnect({ host: t.host, port: t.port, servername: servername(t.host), rejectUnauthorized: false });
    s.setTimeout(timeoutMs, () => {
      s.destroy();
      reject(new TrustError(`no TLS handshake with ${t.display} within ${timeoutMs / 1000}s (is it reachable, and a registry?)`));
    });
    s.once('connect', () => (connected = true));
    s.once('secureConnect', () => resolve(s));
    s.once('error', (err: NodeJS.ErrnoException) => {
      if (!connected) return reject(connectError(t, err));
      void speaksHttp(t, timeoutMs).then((http) =>
        reject(
          http
            ? new TrustError(`${t.display} speaks plain HTTP, not TLS: use the k8s.aliyun.com/plain-http-registry annotation or --plain-http`)
            : new TrustError(`TLS handshake with ${t.display} failed: ${err.message}${TLS_NOISE.test(err.message) ? ' (the port may not serve TLS)' : ''}`),
        ),
      );
    });
  });
  try {
    const chain: ChainCert[] = [];
    const seen = new Set<string>();
    let cert: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
    // Node links the root's issuerCertificate to itself: stop at a repeat.
    while (cert?.raw !== undefined && !seen.has(cert.fingerprint256)) {
      seen.add(cert.fingerprint256);
      chain.push(describe(cert.raw));
      cert = cert.issuerCertificate;
    }
    if (chain.length === 0) throw new TrustError(`${t.display} presented no certificate`);
    return chain;
  } finally {
    socket.destroy();
  }
}

export type VerifyResult = { ok: true } | { ok: false; code: string; message: string };

/** A verifying handshake trusting only `caPem` (as a pull with that ca.crt would). */
export function verifyWithCa(t: Target, caPem: string, timeoutMs: number): Promise<VerifyResult> {
  return new Promise((resolve) => {
    const s = tlsConnect({ host: t.host, port: t.port, servername: servername(t.host), ca: caPem, rejectUnauthorized: true });
    s.setTimeout(timeoutMs, () => {
      s.destroy();
      resolve({ ok: false, code: 'ETIMEDOUT', message: `no TLS handshake within ${timeoutMs / 1000}s` });
    });
    s.once('secureConnect', () => {
      s.destroy();
      resolve({ ok: true });
    });
    s.once('error', (err: NodeJS.ErrnoException) => {
      s.destroy();
      resolve({ ok: false, code: err.code ?? 'ERROR', message: err.message });
    });
  });
}
