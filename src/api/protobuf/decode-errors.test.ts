import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decodeKubernetesProtobuf } from './decode.ts';
import { ProtobufError, ProtobufErrorCode, isProtobufError } from './errors.ts';
import { concat, envelope, message as m, string as s, varint as v, bytes as b, mapEntry } from './test-encoder.ts';

const MAGIC = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

function assertRejects(body: Uint8Array, code: ProtobufErrorCode, message: RegExp): void {
  assert.throws(() => decodeKubernetesProtobuf(body), (err: unknown) => {
    assert.ok(isProtobufError(err, code), `expected ${code}, got ${String(err)}`);
    assert.match(err.message, message);
    return true;
  });
}

describe('decodeKubernetesProtobuf rejects malformed bodies', () => {
  test('JSON sent with the protobuf content type', () => {
    assertRejects(new TextEncoder().encode('{"kind":"Secret"}'), ProtobufErrorCode.MissingMagic, /does not start with the Kubernetes protobuf magic/);
  });

  test('an empty body and a body shorter than the magic', () => {
    assertRejects(new Uint8Array(), ProtobufErrorCode.MissingMagic, /magic/);
    assertRejects(Uint8Array.of(0x6b, 0x38, 0x73), ProtobufErrorCode.MissingMagic, /magic/);
  });

  test('the magic alone has no type', () => {
    assertRejects(MAGIC, ProtobufErrorCode.InvalidEnvelope, /does not name the apiVersion and kind/);
  });

  test('every truncation of a real kubectl body fails cleanly with a ProtobufError', () => {
    const body = readFileSync(new URL('./fixtures/deployment.bin', import.meta.url));
    let rejected = 0;
    for (let length = 0; length < body.length; length++) {
      try {
        decodeKubernetesProtobuf(body.subarray(0, length));
      } catch (err) {
        assert.ok(err instanceof ProtobufError, `truncation at ${length} threw ${String(err)}`);
        rejected++;
      }
    }
    // Cutting inside the envelope's trailing empty strings can still leave a valid body; anything
    // that cuts into the raw message must fail.
    assert.ok(rejected >= body.length - 4, `only ${rejected} of ${body.length} truncations were rejected`);
  });

  test('a nested length prefix that runs past its parent message', () => {
    // metadata claims 10 bytes but the raw message holds only 3 of them.
    const raw = Uint8Array.of(0x0a, 0x0a, 0x0a, 0x01, 0x63);
    assertRejects(envelope('v1', 'ConfigMap', raw), ProtobufErrorCode.Truncated, /length 10 at byte \d+ runs past the end of the message \(3 bytes left\)/);
  });

  test('a known field with the wrong wire type', () => {
    assertRejects(envelope('v1', 'ConfigMap', concat(m(1, v(1, 5)))), ProtobufErrorCode.WireTypeMismatch, /ConfigMap\.metadata\.name \(field 1\) at byte \d+ has wire type 0, expected 2/);
    assertRejects(envelope('apps/v1', 'Deployment', m(2, s(1, '3'))), ProtobufErrorCode.WireTypeMismatch, /Deployment\.spec\.replicas/);
  });

  test('a map entry whose key is not length-delimited', () => {
    assertRejects(envelope('v1', 'ConfigMap', m(2, v(1, 1))), ProtobufErrorCode.WireTypeMismatch, /ConfigMap\.data key/);
  });

  test('an envelope field with the wrong wire type', () => {
    assertRejects(concat(MAGIC, v(1, 1)), ProtobufErrorCode.WireTypeMismatch, /envelope typeMeta/);
  });

  test('a group wire type', () => {
    assertRejects(concat(envelope('v1', 'ConfigMap', new Uint8Array()), Uint8Array.of(0x0b)), ProtobufErrorCode.InvalidTag, /unsupported wire type 3/);
  });

  test('an int64 beyond the safe-integer range', () => {
    assertRejects(envelope('v1', 'ConfigMap', m(1, v(7, 2n ** 53n))), ProtobufErrorCode.IntegerOutOfRange, /ConfigMap\.metadata\.generation at byte \d+ is 9007199254740992/);
  });

  test('a time outside years 0000-9999', () => {
    assertRejects(envelope('v1', 'ConfigMap', m(1, m(8, v(1, 253_402_300_800)))), ProtobufErrorCode.InvalidValue, /outside years 0000-9999/);
  });

  test('managedFields whose fieldsV1 is not JSON', () => {
    assertRejects(envelope('v1', 'ConfigMap', m(1, m(17, m(7, s(1, '{not json'))))), ProtobufErrorCode.InvalidValue, /fieldsV1 does not hold valid JSON/);
  });

  test('a compressed or non-protobuf payload in the envelope', () => {
    const raw = m(1, s(1, 'c'));
    assertRejects(envelope('v1', 'ConfigMap', raw, { contentEncoding: 'gzip' }), ProtobufErrorCode.InvalidEnvelope, /content encoding "gzip"/);
    assertRejects(envelope('v1', 'ConfigMap', raw, { contentType: 'application/json' }), ProtobufErrorCode.InvalidEnvelope, /content type "application\/json"/);
    assert.doesNotThrow(() => decodeKubernetesProtobuf(envelope('v1', 'ConfigMap', raw, { contentType: 'application/vnd.kubernetes.protobuf' })));
  });
});

describe('decodeKubernetesProtobuf: kinds outside the table', () => {
  for (const [apiVersion, kind] of [
    ['batch/v1', 'Job'],
    ['v1', 'Pod'],
    ['apps/v1beta1', 'Deployment'],
    ['v1', 'constructor'],
  ] as const) {
    test(`${apiVersion} ${kind} is refused with the list of supported kinds`, () => {
      assertRejects(
        envelope(apiVersion, kind, m(1, s(1, 'x'))),
        ProtobufErrorCode.UnsupportedKind,
        new RegExp(`decoded only for v1 Secret, v1 ConfigMap, v1 Namespace, apps/v1 Deployment, not ${apiVersion.replace('/', '\\/')} ${kind}; send this object as application/json`),
      );
    });
  }

  test('errors carry a stable code and are recognised across copies by the global brand', () => {
    const err = new ProtobufError(ProtobufErrorCode.Truncated, 'x');
    const foreign = Object.assign(new Error('x'), { code: ProtobufErrorCode.Truncated });
    Object.defineProperty(foreign, Symbol.for('ferry.ProtobufError'), { value: true });
    assert.equal(err.name, 'ProtobufError');
    assert.ok(foreign instanceof ProtobufError);
    assert.ok(!(new Error('x') instanceof ProtobufError));
    assert.ok(isProtobufError(err, ProtobufErrorCode.Truncated));
    assert.ok(!isProtobufError(err, ProtobufErrorCode.MissingMagic));
  });

  test('values of secret data never appear in error messages', () => {
    const raw = concat(m(1, s(1, 's')), mapEntry(2, 'token', b(2, new TextEncoder().encode('hunter2'))), m(1, v(7, 2n ** 60n)));
    assert.throws(() => decodeKubernetesProtobuf(envelope('v1', 'Secret', raw)), (err: unknown) => {
      assert.ok(err instanceof ProtobufError);
      assert.doesNotMatch(err.message, /hunter2/);
      return true;
    });
  });
});
