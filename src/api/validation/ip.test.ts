import assert from 'node:assert/strict';
import * as net from 'node:net';
import { test } from 'node:test';
import { isIPv4, isIPv6 } from './ip.ts';

// The pure checks must answer as node:net does, which the registry annotations used before.
const SAMPLES = [
  '', '1.2.3.4', '01.2.3.4', '255.255.255.255', '256.1.1.1', '1.2.3', '1.2.3.4.5', '1.2.3.4 ', '::', '::1', '1::', 'fe80::1%eth0',
  '::ffff:1.2.3.4', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9', '1::2::3', '::ffff:01.2.3.4', '1:2:3:4:5:6:7::', '::1:2:3:4:5:6:7',
  '1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:7:1.2.3.4', '12345::', '0000:0::1', ':1::', ' ::1', 'fe80::1%', '1:2:3:4:5:6:7', ':::',
  '1::2:3:4:5:6:7:8', 'g::1', '::1.2.3.4', '1.2.3.4::', '2001:db8::ff00:42:8329', '[::1]', 'a:b:c:d:e:f:0:1%x y',
];

test('isIPv4 and isIPv6 agree with node:net', () => {
  for (const s of SAMPLES) {
    assert.equal(isIPv4(s), net.isIPv4(s), `isIPv4(${JSON.stringify(s)})`);
    assert.equal(isIPv6(s), net.isIPv6(s), `isIPv6(${JSON.stringify(s)})`);
  }
});
