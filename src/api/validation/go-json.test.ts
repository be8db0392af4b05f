import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeGoBase64, unmarshalGoMap } from './go-json.ts';

function err(text: string): string | undefined {
  const r = unmarshalGoMap(new TextEncoder().encode(text));
  return r.ok ? undefined : r.error;
}

test('valid objects decode', () => {
  const r = unmarshalGoMap(new TextEncoder().encode(' {"auths": {"r.io": {"auth": "dTpw"}}, "n": -1.5e3, "b": [true, null]} '));
  assert.ok(r.ok);
  assert.deepEqual(r.ok && r.value, { auths: { 'r.io': { auth: 'dTpw' } }, n: -1500, b: [true, null] });
  assert.equal(err('null'), undefined);
});

test('syntax errors use encoding/json wording', () => {
  assert.equal(err('{"auths": x}'), "invalid character 'x' looking for beginning of value");
  assert.equal(err('{auths: 1}'), "invalid character 'a' looking for beginning of object key string");
  assert.equal(err('{"a" 1}'), "invalid character '1' after object key");
  assert.equal(err('{"a": 1 "b": 2}'), `invalid character '"' after object key:value pair`);
  assert.equal(err('[1 2]'), "invalid character '2' after array element");
  assert.equal(err('{"a": 1}}'), "invalid character '}' after top-level value");
  assert.equal(err('{"a": tru}'), "invalid character '}' in literal true (expecting 'e')");
  assert.equal(err('{"a": 01}'), "invalid character '1' after object key:value pair");
  assert.equal(err('{"a": 1.}'), "invalid character '}' after decimal point in numeric literal");
  assert.equal(err('{"a": "\\q"}'), "invalid character 'q' in string escape code");
  assert.equal(err("{'a': 1}"), "invalid character '\\'' looking for beginning of object key string");
  assert.equal(err('{"a":\n'), 'unexpected end of JSON input');
  assert.equal(err(''), 'unexpected end of JSON input');
});

test('a JSON value that is not an object cannot fill a map', () => {
  assert.equal(err('[]'), 'json: cannot unmarshal array into Go value of type map[string]interface {}');
  assert.equal(err('"s"'), 'json: cannot unmarshal string into Go value of type map[string]interface {}');
  assert.equal(err('3'), 'json: cannot unmarshal number into Go value of type map[string]interface {}');
});

test('base64 is strict about alphabet and padding', () => {
  const ok = decodeGoBase64('e30=');
  assert.ok(ok.ok);
  assert.equal(ok.ok && new TextDecoder().decode(ok.bytes), '{}');
  assert.ok(decodeGoBase64('e30\n=').ok);
  assert.deepEqual(decodeGoBase64('e3!='), { ok: false, error: 'illegal base64 data at input byte 2' });
  assert.deepEqual(decodeGoBase64('e30'), { ok: false, error: 'illegal base64 data at input byte 3' });
  assert.deepEqual(decodeGoBase64('e=30'), { ok: false, error: 'illegal base64 data at input byte 1' });
});
