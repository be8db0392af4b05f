import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ErrorCode, ImageError } from '../errors.ts';
import { hostListMatches, parseHostList, splitPort } from './host-list.ts';

describe('parseHostList', () => {
  test('accepts host, host:port, *.domain, IPs and bracketed IPv6; trims, lowercases, drops empties', () => {
    assert.deepEqual(parseHostList(' Reg.Example.com , reg.example.com:5000,,*.corp.example, 10.0.0.1:80, [::1]:5000 ,localhost'), [
      'reg.example.com',
      'reg.example.com:5000',
      '*.corp.example',
      '10.0.0.1:80',
      '[::1]:5000',
      'localhost',
    ]);
  });

  test('a list of strings is split on commas too (repeated flags)', () => {
    assert.deepEqual(parseHostList(['a.example.com,b.example.com', 'c.example.com']), ['a.example.com', 'b.example.com', 'c.example.com']);
  });

  test('undefined and blank give an empty list', () => {
    assert.deepEqual(parseHostList(undefined), []);
    assert.deepEqual(parseHostList(' , '), []);
  });

  for (const bad of ['http://reg.example.com', 'reg.example.com/path', '*', '*example.com', 'reg.example.com:', 'reg.example.com:port', '-reg.example.com', 'reg_example.com', 'a b', '::1']) {
    test(`refuses "${bad}" with a message naming the entry, the list and the expected syntax`, () => {
      assert.throws(
        () => parseHostList(`ok.example.com,${bad}`, '--plain-http'),
        (err: unknown) => {
          assert.ok(err instanceof ImageError);
          assert.equal(err.code, ErrorCode.InvalidArgument);
          assert.ok(err.message.includes(`invalid --plain-http entry "${bad.trim()}"`), err.message);
          assert.ok(err.message.includes('host, host:port or *.domain, without scheme or path'), err.message);
          return true;
        },
      );
    });
  }

  test('the default wording names a registry list', () => {
    assert.throws(() => parseHostList('https://x'), /invalid registry list entry "https:\/\/x"/);
  });
});

describe('hostListMatches', () => {
  const list = parseHostList('reg.example.com:5000,plain.example.com,*.corp.example,*.ports.example:8443,[::1]:5000');

  const cases: [string, boolean][] = [
    ['reg.example.com:5000', true],
    ['reg.example.com', false],
    ['reg.example.com:5001', false],
    ['plain.example.com', true],
    ['PLAIN.example.com', true],
    ['plain.example.com:443', false],
    ['a.corp.example', true],
    ['a.b.corp.example', true],
    ['corp.example', false],
    ['xcorp.example', false],
    ['a.corp.example:5000', false],
    ['a.ports.example:8443', true],
    ['a.ports.example', false],
    ['a.ports.example:8444', false],
    ['[::1]:5000', true],
    ['[::1]:5001', false],
  ];
  for (const [host, expected] of cases) {
    test(`${host} ${expected ? 'is' : 'is not'} covered`, () => {
      assert.equal(hostListMatches(list, host), expected);
    });
  }

  test('an empty list covers nothing', () => {
    assert.equal(hostListMatches([], 'reg.example.com'), false);
  });
});

describe('splitPort', () => {
  test('splits names, IPv4 and bracketed IPv6; a bare IPv6 address has no port', () => {
    assert.deepEqual(splitPort('reg.example.com:5000'), ['reg.example.com', '5000']);
    assert.deepEqual(splitPort('reg.example.com'), ['reg.example.com', undefined]);
    assert.deepEqual(splitPort('10.0.0.1:80'), ['10.0.0.1', '80']);
    assert.deepEqual(splitPort('[::1]:5000'), ['[::1]', '5000']);
    assert.deepEqual(splitPort('[::1]'), ['[::1]', undefined]);
    assert.deepEqual(splitPort('::1'), ['::1', undefined]);
    assert.deepEqual(splitPort('fd00::5000'), ['fd00::5000', undefined]);
  });
});
