import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { X509Certificate, createHash, createPrivateKey } from 'node:crypto';
import { createCertificateAuthority, createServingCertificate } from './certificates.ts';
import { children, content, readElement } from './der-reader.ts';
import { oid } from './der.ts';
import { PkiErrorCode, isPkiError } from './errors.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const now = new Date(Date.UTC(2030, 5, 15, 12, 0, 0, 500));
const ca = createCertificateAuthority({ commonName: 'ferry-ca', days: 3650, now });
const caCert = new X509Certificate(ca.certPem);
const serving = createServingCertificate({
  ca,
  commonName: 'ferry-apiserver',
  dnsNames: ['localhost', 'kubernetes.default.svc'],
  ipAddresses: ['127.0.0.1', '::1', '10.0.0.7'],
  days: 365,
  now,
});
const servingCert = new X509Certificate(serving.certPem);

interface ParsedExtension {
  critical: boolean;
  value: Buffer;
}

/** Extensions by OID, read independently of Node's parser, to check criticality and exact bytes. */
function extensions(cert: X509Certificate): Map<string, ParsedExtension> {
  const der = cert.raw;
  const tbs = children(der, readElement(der, 0))[0]!;
  const wrapper = children(der, tbs).find((e) => e.tag === 0xa3)!;
  const out = new Map<string, ParsedExtension>();
  for (const ext of children(der, children(der, wrapper)[0]!)) {
    const parts = children(der, ext);
    const id = Buffer.from(content(der, parts[0]!)).toString('hex');
    out.set(id, { critical: parts.length === 3, value: Buffer.from(content(der, parts[parts.length - 1]!)) });
  }
  return out;
}
const ext = (cert: X509Certificate, dotted: string): ParsedExtension | undefined => extensions(cert).get(oid(dotted).subarray(2).toString('hex'));

describe('createCertificateAuthority', () => {
  test('is a self-signed CA with the requested subject', () => {
    assert.equal(caCert.subject, 'CN=ferry-ca');
    assert.equal(caCert.issuer, 'CN=ferry-ca');
    assert.equal(caCert.ca, true);
    assert.ok(caCert.checkIssued(caCert));
    assert.ok(caCert.verify(caCert.publicKey));
    assert.equal(caCert.publicKey.asymmetricKeyType, 'ec');
    assert.equal(caCert.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.equal(caCert.toLegacyObject().asn1Curve, 'prime256v1');
  });

  test('is valid from an hour before now, to the second, for the requested days', () => {
    assert.equal(caCert.validFromDate.getTime(), Math.floor((now.getTime() - HOUR) / 1000) * 1000);
    assert.equal(caCert.validToDate.getTime(), Math.floor((now.getTime() + 3650 * DAY) / 1000) * 1000);
  });

  test('marks basicConstraints and keyUsage critical and carries a SHA-1 subject key identifier', () => {
    assert.deepEqual(ext(caCert, '2.5.29.19'), { critical: true, value: Buffer.from('30030101ff', 'hex') });
    assert.deepEqual(ext(caCert, '2.5.29.15'), { critical: true, value: Buffer.from('03020106', 'hex') });
    const spki = caCert.publicKey.export({ type: 'spki', format: 'der' });
    const keyBits = spki.subarray(spki.length - 65); // uncompressed P-256 point
    const ski = ext(caCert, '2.5.29.14');
    assert.equal(ski?.critical, false);
    assert.equal(ski?.value.toString('hex'), `0414${createHash('sha1').update(keyBits).digest('hex')}`);
  });

  test('uses a positive random serial of at most 128 bits, different each time', () => {
    const other = new X509Certificate(createCertificateAuthority({ commonName: 'x', days: 1 }).certPem);
    assert.notEqual(other.serialNumber, caCert.serialNumber);
    for (const serial of [caCert.serialNumber, other.serialNumber]) {
      assert.match(serial, /^[0-9A-F]+$/);
      assert.ok(BigInt(`0x${serial}`) > 0n && BigInt(`0x${serial}`) < 2n ** 128n);
    }
  });

  test('keyPem is a PKCS#8 key matching the certificate', () => {
    assert.match(ca.keyPem, /^-----BEGIN PRIVATE KEY-----\n/);
    assert.ok(caCert.checkPrivateKey(createPrivateKey(ca.keyPem)));
  });
});

describe('createServingCertificate', () => {
  test('is issued by the CA and verifies with its public key', () => {
    assert.equal(servingCert.subject, 'CN=ferry-apiserver');
    assert.equal(servingCert.issuer, 'CN=ferry-ca');
    assert.equal(servingCert.ca, false);
    assert.ok(servingCert.checkIssued(caCert));
    assert.ok(servingCert.verify(caCert.publicKey));
    assert.ok(!servingCert.verify(servingCert.publicKey));
    assert.ok(servingCert.checkPrivateKey(createPrivateKey(serving.keyPem)));
  });

  test('carries the DNS and IP (v4 and v6) subject alternative names', () => {
    assert.equal(servingCert.subjectAltName, 'DNS:localhost, DNS:kubernetes.default.svc, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, IP Address:10.0.0.7');
    assert.equal(servingCert.checkHost('localhost'), 'localhost');
    assert.equal(servingCert.checkHost('kubernetes.default.svc'), 'kubernetes.default.svc');
    assert.equal(servingCert.checkHost('example.com'), undefined);
    assert.equal(servingCert.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(servingCert.checkIP('::1'), '::1');
    assert.equal(servingCert.checkIP('10.0.0.8'), undefined);
  });

  test('is for server authentication only, with critical CA:false and key usage', () => {
    assert.deepEqual(servingCert.keyUsage, ['1.3.6.1.5.5.7.3.1']);
    assert.deepEqual(ext(servingCert, '2.5.29.19'), { critical: true, value: Buffer.from('3000', 'hex') });
    assert.deepEqual(ext(servingCert, '2.5.29.15'), { critical: true, value: Buffer.from('030205a0', 'hex') });
    assert.equal(ext(servingCert, '2.5.29.37')?.critical, false);
  });

  test('names the CA key in authorityKeyIdentifier', () => {
    const skiOfCa = ext(caCert, '2.5.29.14')!.value.subarray(2).toString('hex');
    assert.equal(ext(servingCert, '2.5.29.35')?.value.toString('hex'), `30168014${skiOfCa}`);
  });

  test('is valid from an hour before now for the requested days', () => {
    assert.equal(servingCert.validFromDate.getTime(), caCert.validFromDate.getTime());
    assert.equal(servingCert.validToDate.getTime(), Math.floor((now.getTime() + 365 * DAY) / 1000) * 1000);
  });

  test('leaves out subjectAltName when there are no names, since GeneralNames cannot be empty', () => {
    const bare = new X509Certificate(createServingCertificate({ ca, commonName: 'bare', days: 1, now }).certPem);
    assert.equal(bare.subjectAltName, undefined);
    assert.equal(ext(bare, '2.5.29.17'), undefined);
    assert.ok(bare.verify(caCert.publicKey));
  });

  test('never outlives its CA', () => {
    const longer = new X509Certificate(createServingCertificate({ ca, commonName: 's', dnsNames: ['a'], days: 20_000, now }).certPem);
    assert.equal(longer.validToDate.getTime(), caCert.validToDate.getTime());
  });

  test('uses GeneralizedTime past 2049, which parsers read back', () => {
    const lateCa = createCertificateAuthority({ commonName: 'late', days: 400, now: new Date(Date.UTC(2049, 6, 1)) });
    const late = new X509Certificate(createServingCertificate({ ca: lateCa, commonName: 's', days: 300, now: new Date(Date.UTC(2049, 6, 1)) }).certPem);
    assert.equal(late.validToDate.toISOString(), '2050-04-27T00:00:00.000Z');
    assert.ok(late.verify(new X509Certificate(lateCa.certPem).publicKey));
  });

  test('mixes key algorithms: RSA CA signing an EC leaf, EC CA signing an RSA leaf', () => {
    const rsaCa = createCertificateAuthority({ commonName: 'rsa-ca', days: 1, keyAlgorithm: 'rsa-2048' });
    const rsaCaCert = new X509Certificate(rsaCa.certPem);
    assert.equal(rsaCaCert.publicKey.asymmetricKeyDetails?.modulusLength, 2048);
    assert.ok(rsaCaCert.verify(rsaCaCert.publicKey));
    const ecLeaf = new X509Certificate(createServingCertificate({ ca: rsaCa, commonName: 'a', ipAddresses: ['127.0.0.1'], days: 1 }).certPem);
    assert.ok(ecLeaf.verify(rsaCaCert.publicKey));
    const rsaLeaf = new X509Certificate(createServingCertificate({ ca, commonName: 'b', dnsNames: ['b'], days: 1, keyAlgorithm: 'rsa-2048', now }).certPem);
    assert.equal(rsaLeaf.publicKey.asymmetricKeyType, 'rsa');
    assert.ok(rsaLeaf.verify(caCert.publicKey));
  });
});

describe('argument errors', () => {
  const cases: [string, () => unknown, PkiErrorCode, RegExp][] = [
    ['empty common name', () => createCertificateAuthority({ commonName: '', days: 1 }), PkiErrorCode.InvalidArgument, /commonName must be 1 to 64/],
    ['65-character common name', () => createCertificateAuthority({ commonName: 'x'.repeat(65), days: 1 }), PkiErrorCode.InvalidArgument, /1 to 64/],
    ['zero days', () => createCertificateAuthority({ commonName: 'x', days: 0 }), PkiErrorCode.InvalidArgument, /days must be a positive number, not 0/],
    ['NaN days', () => createServingCertificate({ ca, commonName: 'x', days: Number.NaN }), PkiErrorCode.InvalidArgument, /not NaN/],
    ['bad IP', () => createServingCertificate({ ca, commonName: 'x', ipAddresses: ['127.0.0.256'], days: 1 }), PkiErrorCode.InvalidArgument, /"127.0.0.256" is not an IPv4/],
    ['non-ASCII DNS name', () => createServingCertificate({ ca, commonName: 'x', dnsNames: ['bücher.example'], days: 1 }), PkiErrorCode.InvalidArgument, /punycode/],
    ['empty DNS name', () => createServingCertificate({ ca, commonName: 'x', dnsNames: [''], days: 1 }), PkiErrorCode.InvalidArgument, /DNS name "" must be/],
    ['a leaf used as CA', () => createServingCertificate({ ca: serving, commonName: 'x', days: 1 }), PkiErrorCode.InvalidCa, /does not have basicConstraints CA:true/],
    ['a CA key that does not match', () => createServingCertificate({ ca: { certPem: ca.certPem, keyPem: serving.keyPem }, commonName: 'x', days: 1 }), PkiErrorCode.InvalidCa, /does not belong/],
    ['garbage PEM', () => createServingCertificate({ ca: { certPem: 'nope', keyPem: ca.keyPem }, commonName: 'x', days: 1 }), PkiErrorCode.InvalidCa, /not valid PEM/],
  ];
  for (const [name, fn, code, message] of cases) {
    test(name, () => {
      assert.throws(fn, (err: unknown) => isPkiError(err, code) && message.test(err.message));
    });
  }

  test('error messages never contain key material', () => {
    try {
      createServingCertificate({ ca: { certPem: ca.certPem, keyPem: serving.keyPem }, commonName: 'x', days: 1 });
      assert.fail('expected an error');
    } catch (err) {
      assert.ok(isPkiError(err));
      assert.doesNotMatch(err.message, /PRIVATE KEY|MII/);
    }
  });
});
