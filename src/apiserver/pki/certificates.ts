// The cluster CA and the apiserver's serving certificate, written without openssl or npm
// dependencies: node:crypto makes keys and signatures, der.ts writes the certificate. kubectl
// (Go crypto/x509) and Node's TLS both verify the result; see certificates.test.ts.
import { Buffer } from 'node:buffer';
import { X509Certificate, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { DerParseError, children, content, readElement, whole } from './der-reader.ts';
import { oid } from './der.ts';
import { PkiError, PkiErrorCode } from './errors.ts';
import {
  KeyUsage,
  Oid,
  authorityKeyIdentifier,
  basicConstraints,
  buildCertificate,
  commonNameOnly,
  extKeyUsage,
  keyIdentifier,
  keyUsage,
  subjectAltName,
  subjectKeyIdentifier,
} from './x509.ts';

/** ECDSA P-256 (the default; what kubeadm uses) or RSA 2048 for peers that want RSA. */
export type KeyAlgorithm = 'ecdsa-p256' | 'rsa-2048';

export interface CertificateAndKey {
  certPem: string;
  /** PKCS#8 `PRIVATE KEY` PEM. */
  keyPem: string;
}

export interface CertificateAuthorityOptions {
  commonName: string;
  days: number;
  keyAlgorithm?: KeyAlgorithm;
  /** The issuing time; notBefore is one hour earlier to absorb clock skew. Defaults to now. */
  now?: Date;
}

export interface ServingCertificateOptions {
  ca: CertificateAndKey;
  commonName: string;
  dnsNames?: readonly string[];
  /** IPv4 and IPv6 literals. */
  ipAddresses?: readonly string[];
  /** Capped at the CA's own expiry, since a chain is valid only while every link is. */
  days: number;
  keyAlgorithm?: KeyAlgorithm;
  now?: Date;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59);

export function createCertificateAuthority(options: CertificateAuthorityOptions): CertificateAndKey {
  const commonName = checkCommonName(options.commonName);
  const { notBefore, notAfter } = validity(options.days, options.now);
  const { privateKey, spki } = generateKey(options.keyAlgorithm);
  const name = commonNameOnly(commonName);
  const der = buildCertificate({
    serial: serialNumber(),
    issuer: name,
    subject: name,
    notBefore,
    notAfter,
    subjectPublicKeyInfo: spki,
    extensions: [basicConstraints(true), keyUsage([KeyUsage.keyCertSign, KeyUsage.cRLSign]), subjectKeyIdentifier(keyIdentifier(spki))],
    signingKey: privateKey,
  });
  return { certPem: toPem('CERTIFICATE', der), keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

export function createServingCertificate(options: ServingCertificateOptions): CertificateAndKey {
  const commonName = checkCommonName(options.commonName);
  const issuer = loadIssuer(options.ca);
  const requested = validity(options.days, options.now);
  const notAfter = new Date(Math.min(requested.notAfter.getTime(), issuer.notAfter.getTime()));
  const { privateKey, spki } = generateKey(options.keyAlgorithm);
  const dnsNames = options.dnsNames ?? [];
  const ipAddresses = options.ipAddresses ?? [];
  const der = buildCertificate({
    serial: serialNumber(),
    issuer: issuer.subject,
    subject: commonNameOnly(commonName),
    notBefore: requested.notBefore,
    notAfter,
    subjectPublicKeyInfo: spki,
    extensions: [
      basicConstraints(false),
      keyUsage([KeyUsage.digitalSignature, KeyUsage.keyEncipherment]),
      extKeyUsage([Oid.serverAuth]),
      // GeneralNames is SIZE (1..MAX): with no names the extension is left out entirely.
      ...(dnsNames.length + ipAddresses.length > 0 ? [subjectAltName(dnsNames, ipAddresses)] : []),
      subjectKeyIdentifier(keyIdentifier(spki)),
      authorityKeyIdentifier(issuer.keyId),
    ],
    signingKey: issuer.key,
  });
  return { certPem: toPem('CERTIFICATE', der), keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

export function toPem(label: string, der: Uint8Array): string {
  const lines = Buffer.from(der).toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

function checkCommonName(commonName: string): string {
  // ub-common-name is 64 characters (RFC 5280 appendix A.1).
  if (typeof commonName !== 'string' || commonName.length === 0 || [...commonName].length > 64) {
    throw new PkiError(PkiErrorCode.InvalidArgument, 'commonName must be 1 to 64 characters');
  }
  return commonName;
}

function validity(days: number, now: Date = new Date()): { notBefore: Date; notAfter: Date } {
  if (typeof days !== 'number' || !Number.isFinite(days) || days <= 0) {
    throw new PkiError(PkiErrorCode.InvalidArgument, `days must be a positive number, not ${String(days)}`);
  }
  const at = now.getTime();
  if (Number.isNaN(at)) throw new PkiError(PkiErrorCode.InvalidArgument, 'now is not a valid date');
  const seconds = (ms: number): Date => new Date(Math.floor(ms / 1000) * 1000);
  return { notBefore: seconds(at - HOUR_MS), notAfter: seconds(Math.min(at + days * DAY_MS, LATEST)) };
}

function generateKey(algorithm: KeyAlgorithm = 'ecdsa-p256'): { privateKey: KeyObject; spki: Buffer } {
  let pair: { privateKey: KeyObject; publicKey: KeyObject };
  if (algorithm === 'ecdsa-p256') pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  else if (algorithm === 'rsa-2048') pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  else throw new PkiError(PkiErrorCode.InvalidArgument, `unknown key algorithm ${JSON.stringify(algorithm)}`);
  return { privateKey: pair.privateKey, spki: pair.publicKey.export({ type: 'spki', format: 'der' }) };
}

/** A positive serial of up to 128 random bits; RFC 5280 4.1.2.2 allows 20 octets. */
function serialNumber(): Buffer {
  const serial = randomBytes(16);
  if (serial.every((b) => b === 0)) serial[15] = 1;
  return serial;
}

interface Issuer {
  key: KeyObject;
  /** The CA's subject Name DER, which becomes the new certificate's issuer byte for byte. */
  subject: Uint8Array;
  keyId: Uint8Array;
  notAfter: Date;
}

function loadIssuer(ca: CertificateAndKey): Issuer {
  let cert: X509Certificate;
  let key: KeyObject;
  try {
    cert = new X509Certificate(ca.certPem);
    key = createPrivateKey(ca.keyPem);
  } catch (err) {
    throw new PkiError(PkiErrorCode.InvalidCa, 'the CA certificate or key is not valid PEM', { cause: err });
  }
  if (!cert.ca) throw new PkiError(PkiErrorCode.InvalidCa, `the CA certificate (${cert.subject}) does not have basicConstraints CA:true`);
  if (!cert.checkPrivateKey(key)) throw new PkiError(PkiErrorCode.InvalidCa, 'the CA key does not belong to the CA certificate');
  try {
    const { subject, subjectKeyId } = readSubjectAndKeyId(cert.raw);
    const keyId = subjectKeyId ?? keyIdentifier(createPublicKey(key).export({ type: 'spki', format: 'der' }));
    return { key, subject, keyId, notAfter: cert.validToDate };
  } catch (err) {
    if (!(err instanceof DerParseError)) throw err;
    throw new PkiError(PkiErrorCode.InvalidCa, `the CA certificate cannot be read: ${err.message}`, { cause: err });
  }
}

const SKI_OID = content(oid(Oid.subjectKeyIdentifier), readElement(oid(Oid.subjectKeyIdentifier), 0));

/** TBSCertificate: [0] version?, serial, signature, issuer, validity, subject, spki, ..., [3] extensions. */
function readSubjectAndKeyId(der: Uint8Array): { subject: Uint8Array; subjectKeyId: Uint8Array | undefined } {
  const tbs = children(der, readElement(der, 0))[0];
  if (tbs === undefined) throw new DerParseError('certificate has no TBSCertificate');
  const fields = children(der, tbs);
  const first = fields[0]?.tag === 0xa0 ? 1 : 0;
  const subject = fields[first + 4];
  if (subject === undefined) throw new DerParseError('TBSCertificate has no subject');
  let subjectKeyId: Uint8Array | undefined;
  const extensions = fields.find((field) => field.tag === 0xa3);
  const list = extensions === undefined ? undefined : children(der, extensions)[0];
  for (const ext of list === undefined ? [] : children(der, list)) {
    const parts = children(der, ext);
    const id = parts[0];
    const value = parts[parts.length - 1];
    if (id === undefined || value === undefined || !Buffer.from(content(der, id)).equals(SKI_OID)) continue;
    // extnValue is an OCTET STRING holding the DER of SubjectKeyIdentifier, itself an OCTET STRING.
    const inner = content(der, value);
    subjectKeyId = content(inner, readElement(inner, 0));
  }
  return { subject: whole(der, subject), subjectKeyId };
}
