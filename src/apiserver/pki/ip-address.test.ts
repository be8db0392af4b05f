import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { isPkiError, PkiErrorCode } from './errors.ts';
import { ipAddressBytes } from './ip-address.ts';

const cases: [string, string][] = [
  ['127.0.0.1', '7f000001'],
  ['0.0.0.0', '00000000'],
  ['::1', '00000000000000000000000000000001'],
  ['::', '00000000000000000000000000000000'],
  ['1::', '00010000000000000000000000000000'],
  ['fe80::1', 'fe800000000000000000000000000001'],
  ['2001:DB8::8a2e:370:7334', '20010db80000000000008a2e03707334'],
  ['1:2:3:4:5:6:7:8', '00010002000300040005000600070008'],
  ['::ffff:192.0.2.1', '00000000000000000000ffffc0000201'],
  ['::1.2.3.4', '00000000000000000000000001020304'],
  ['1:2:3:4:5:6:1.2.3.4', '00010002000300040005000601020304'],
];
for (const [address, expected] of cases) {
  test(`${address} → ${expected}`, () => {
    assert.equal(Buffer.from(ipAddressBytes(address)).toString('hex'), expected);
  });
}

for (const bad of ['', 'localhost', '256.0.0.1', '1.2.3', '::1::', 'fe80::1%eth0', '[::1]', '127.0.0.1:80']) {
  test(`rejects ${JSON.stringify(bad)}`, () => {
    assert.throws(() => ipAddressBytes(bad), (err: unknown) => isPkiError(err, PkiErrorCode.InvalidArgument) && /is not an IPv4 or IPv6 address/.test(err.message));
  });
}
