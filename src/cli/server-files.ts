// The files `ferry server` keeps in its data directory: the cluster CA and serving certificate,
// the admin token, and admin.kubeconfig. Secrets are written 0600 and atomically, so a crash
// never leaves half a key behind.
import { randomBytes, X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { createCertificateAuthority, createServingCertificate } from '../apiserver/pki/index.ts';

export interface ServerFiles {
  caCert: string;
  cert: string;
  key: string;
  token: string;
  kubeconfigPath: string;
}

function writeSecretFile(path: string, content: string): void {
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, content, { mode: 0o600 });
  renameSync(temp, path);
}

function sans(host: string): { dnsNames: string[]; ipAddresses: string[] } {
  const dnsNames = new Set(['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc']);
  const ipAddresses = new Set(['127.0.0.1', '::1']);
  if (host !== '0.0.0.0' && host !== '::' && host !== '') {
    if (isIP(host) === 0) dnsNames.add(host);
    else ipAddresses.add(host);
  }
  return { dnsNames: [...dnsNames], ipAddresses: [...ipAddresses] };
}

function covers(certPem: string, host: string): boolean {
  const cert = new X509Certificate(certPem);
  if (Date.parse(cert.validTo) < Date.now() + 7 * 86400_000) return false;
  const { dnsNames, ipAddresses } = sans(host);
  return dnsNames.every((d) => cert.checkHost(d) !== undefined) && ipAddresses.every((ip) => cert.checkIP(ip) !== undefined);
}

/** The address clients use: a wildcard listen address is reached on loopback. */
export function clientHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '::1';
  return host;
}

export function ensureServerFiles(dataDir: string, host: string, port: number): ServerFiles {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const pki = join(dataDir, 'pki');
  mkdirSync(pki, { recursive: true, mode: 0o700 });
  chmodSync(pki, 0o700);
  const caCertPath = join(pki, 'ca.crt');
  const caKeyPath = join(pki, 'ca.key');
  if (!existsSync(caCertPath) || !existsSync(caKeyPath)) {
    const ca = createCertificateAuthority({ commonName: 'ferry-ca', days: 3650 });
    writeSecretFile(caKeyPath, ca.keyPem);
    writeFileSync(caCertPath, ca.certPem);
  }
  const ca = { certPem: readFileSync(caCertPath, 'utf8'), keyPem: readFileSync(caKeyPath, 'utf8') };
  const certPath = join(pki, 'apiserver.crt');
  const keyPath = join(pki, 'apiserver.key');
  if (!existsSync(certPath) || !existsSync(keyPath) || !covers(readFileSync(certPath, 'utf8'), host)) {
    const serving = createServingCertificate({ ca, commonName: 'ferry-apiserver', ...sans(host), days: 365 });
    writeSecretFile(keyPath, serving.keyPem);
    writeFileSync(certPath, serving.certPem);
  }
  const tokenPath = join(pki, 'admin.token');
  if (!existsSync(tokenPath)) writeSecretFile(tokenPath, `${randomBytes(32).toString('base64url')}\n`);
  const token = readFileSync(tokenPath, 'utf8').trim();

  const kubeconfigPath = join(dataDir, 'admin.kubeconfig');
  const h = clientHost(host);
  writeSecretFile(kubeconfigPath, kubeconfig(`https://${h.includes(':') ? `[${h}]` : h}:${port}`, ca.certPem, token));
  return { caCert: ca.certPem, cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8'), token, kubeconfigPath };
}

export function kubeconfig(server: string, caPem: string, token: string): string {
  const ca = Buffer.from(caPem).toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: ferry',
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority-data: ${ca}`,
    'users:',
    '- name: ferry-admin',
    '  user:',
    `    token: ${token}`,
    'contexts:',
    '- name: ferry',
    '  context:',
    '    cluster: ferry',
    '    user: ferry-admin',
    '    namespace: default',
    'current-context: ferry',
    '',
  ].join('\n');
}
