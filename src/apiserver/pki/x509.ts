// X.509 v3 certificate assembly (RFC 5280 section 4): the TBSCertificate is written with der.ts and
// signed with node:crypto. Only the pieces Ferry's CA and serving certificates use are here.
import type { Buffer } from 'node:buffer';
import { createHash, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { children, content, readElement } from './der-reader.ts';
import { bitString, boolean, explicit, implicit, integer, ia5Bytes, namedBits, nullValue, octetString, oid, sequence, set, time, utf8String } from './der.ts';
import { PkiError, PkiErrorCode } from './errors.ts';
import { ipAddressBytes } from './ip-address.ts';

export const Oid = {
  commonName: '2.5.4.3',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  sha256WithRsaEncryption: '1.2.840.113549.1.1.11',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
} as const;

/** KeyUsage bit numbers (RFC 5280 4.2.1.3). */
export const KeyUsage = {
  digitalSignature: 0,
  keyEncipherment: 2,
  keyCertSign: 5,
  cRLSign: 6,
} as const;

/** A Name holding just a common name, as a UTF8String (RFC 5280 4.1.2.4 asks for UTF8String). */
export function commonNameOnly(commonName: string): Buffer {
  return sequence(set(sequence(oid(Oid.commonName), utf8String(commonName))));
}

export interface Extension {
  oid: string;
  critical: boolean;
  /** The DER of the extension's value, before it is wrapped in the extnValue OCTET STRING. */
  value: Uint8Array;
}

function extension({ oid: id, critical, value }: Extension): Buffer {
  // critical is DEFAULT FALSE, and DER omits a value equal to its default.
  return critical ? sequence(oid(id), boolean(true), octetString(value)) : sequence(oid(id), octetString(value));
}

export function basicConstraints(ca: boolean): Extension {
  return { oid: Oid.basicConstraints, critical: true, value: ca ? sequence(boolean(true)) : sequence() };
}

export function keyUsage(bits: readonly number[]): Extension {
  return { oid: Oid.keyUsage, critical: true, value: namedBits(bits) };
}

export function extKeyUsage(purposes: readonly string[]): Extension {
  return { oid: Oid.extKeyUsage, critical: false, value: sequence(...purposes.map((p) => oid(p))) };
}

export function subjectKeyIdentifier(keyId: Uint8Array): Extension {
  return { oid: Oid.subjectKeyIdentifier, critical: false, value: octetString(keyId) };
}

export function authorityKeyIdentifier(keyId: Uint8Array): Extension {
  // AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING, ... }
  return { oid: Oid.authorityKeyIdentifier, critical: false, value: sequence(implicit(0, keyId)) };
}

/** GeneralNames: dNSName is [2] IMPLICIT IA5String, iPAddress is [7] IMPLICIT OCTET STRING. */
export function subjectAltName(dnsNames: readonly string[], ipAddresses: readonly string[]): Extension {
  const names = [
    ...dnsNames.map((name) => {
      if (!/^[\x21-\x7e]+$/.test(name)) throw new PkiError(PkiErrorCode.InvalidArgument, `DNS name ${JSON.stringify(name)} must be non-empty printable ASCII (punycode for IDNs)`);
      return implicit(2, ia5Bytes(name));
    }),
    ...ipAddresses.map((address) => implicit(7, ipAddressBytes(address))),
  ];
  return { oid: Oid.subjectAltName, critical: false, value: sequence(...names) };
}

/** The subjectPublicKey bits of a SubjectPublicKeyInfo, without the BIT STRING's unused-bits byte. */
export function publicKeyBits(spkiDer: Uint8Array): Uint8Array {
  const spki = readElement(spkiDer, 0);
  const bitString = children(spkiDer, spki)[1];
  if (bitString === undefined) throw new PkiError(PkiErrorCode.InvalidArgument, 'SubjectPublicKeyInfo has no subjectPublicKey');
  return content(spkiDer, bitString).subarray(1);
}

/** RFC 5280 4.2.1.2 method (1): SHA-1 of the subjectPublicKey bits. */
export function keyIdentifier(spkiDer: Uint8Array): Buffer {
  return createHash('sha1').update(publicKeyBits(spkiDer)).digest();
}

function signatureAlgorithm(key: KeyObject): Buffer {
  switch (key.asymmetricKeyType) {
    // RFC 5758 3.2: ecdsa-with-SHA256 has no parameters field at all.
    case 'ec':
      return sequence(oid(Oid.ecdsaWithSha256));
    // RFC 4055 5: the RSA PKCS#1 v1.5 identifiers carry an explicit NULL.
    case 'rsa':
      return sequence(oid(Oid.sha256WithRsaEncryption), nullValue());
    default:
      throw new PkiError(PkiErrorCode.UnsupportedKey, `cannot sign with a ${String(key.asymmetricKeyType)} key; use an ECDSA or RSA CA key`);
  }
}

export interface CertificateFields {
  /** Unsigned big-endian serial number. */
  serial: Uint8Array;
  /** The issuer Name DER, copied from the issuer's subject. */
  issuer: Uint8Array;
  subject: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  subjectPublicKeyInfo: Uint8Array;
  extensions: readonly Extension[];
  signingKey: KeyObject;
}

/** Builds and signs a v3 certificate; returns its DER. */
export function buildCertificate(fields: CertificateFields): Buffer {
  const algorithm = signatureAlgorithm(fields.signingKey);
  const tbs = sequence(
    explicit(0, integer(2)), // version v3
    integer(fields.serial),
    algorithm,
    fields.issuer,
    sequence(time(fields.notBefore), time(fields.notAfter)),
    fields.subject,
    fields.subjectPublicKeyInfo,
    explicit(3, sequence(...fields.extensions.map(extension))),
  );
  // For EC keys node:crypto emits the DER ECDSA-Sig-Value X.509 expects (dsaEncoding 'der').
  const signature = sign('sha256', tbs, fields.signingKey);
  return sequence(tbs, algorithm, bitString(signature));
}
