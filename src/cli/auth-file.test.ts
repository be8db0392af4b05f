import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MAX_AUTH_FILE_BYTES, loadAuthFile } from './auth-file.ts';
import { ErrorCode, ImageError } from '../image/errors.ts';
import { Keyring } from '../image/keyring.ts';

const SECRET_AUTH = Buffer.from('alice:hunter2').toString('base64');
const CONFIG = { auths: { 'registry.example.com': { auth: SECRET_AUTH } } };
const b64 = (text: string): string => Buffer.from(text).toString('base64');

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ferry-auth-file-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, contents: string | Buffer): Promise<string> {
  const p = path.join(dir, name);
  await writeFile(p, contents);
  return p;
}

async function rejects(p: string, code: string, message: RegExp): Promise<void> {
  await assert.rejects(loadAuthFile(p), (err: unknown) => {
    assert.ok(err instanceof ImageError, String(err));
    assert.equal(err.code, code);
    assert.match(err.message, message);
    assert.ok(err.message.includes(JSON.stringify(p)), `message does not name the file: ${err.message}`);
    assert.ok(!err.message.includes('hunter2') && !err.message.includes(SECRET_AUTH), `secret leaked: ${err.message}`);
    return true;
  });
}

const lookup = (doc: Record<string, unknown>) => Keyring.fromDockerConfigs([doc]).lookup('registry.example.com/app');
const alice = [{ username: 'alice', password: 'hunter2' }];

describe('loadAuthFile accepts', () => {
  test('a docker config.json, returned as written', async () => {
    const doc = { ...CONFIG, credsStore: 'desktop' };
    assert.deepEqual(await loadAuthFile(await file('config.json', JSON.stringify(doc))), doc);
  });

  test('a legacy .dockercfg map', async () => {
    const doc = await loadAuthFile(await file('dockercfg', JSON.stringify(CONFIG.auths)));
    assert.deepEqual(lookup(doc), alice);
  });

  test('a UTF-8 BOM', async () => {
    assert.deepEqual(await loadAuthFile(await file('bom.json', `\uFEFF${JSON.stringify(CONFIG)}`)), CONFIG);
  });

  test('a dockerconfigjson Secret in YAML with base64 data', async () => {
    const yaml = [
      'apiVersion: v1',
      'kind: Secret',
      'metadata:',
      '  name: regcred',
      '  namespace: default',
      'type: kubernetes.io/dockerconfigjson',
      'data:',
      `  .dockerconfigjson: ${b64(JSON.stringify({ ...CONFIG, credsStore: 'x' }))}`,
      '',
    ].join('\n');
    assert.deepEqual(await loadAuthFile(await file('secret.yaml', yaml)), { auths: CONFIG.auths });
  });

  test('a dockerconfigjson Secret in JSON with stringData overriding data', async () => {
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': b64('{"auths": {}}') },
      stringData: { '.dockerconfigjson': JSON.stringify(CONFIG) },
    };
    assert.deepEqual(lookup(await loadAuthFile(await file('secret.json', JSON.stringify(secret)))), alice);
  });

  test('a dockercfg Secret', async () => {
    const yaml = `kind: Secret\ntype: kubernetes.io/dockercfg\ndata:\n  .dockercfg: ${b64(JSON.stringify(CONFIG.auths))}\n`;
    assert.deepEqual(lookup(await loadAuthFile(await file('dockercfg.yaml', yaml))), alice);
  });

  test('JSON with a trailing comma, read as YAML', async () => {
    const text = `{"auths": {"registry.example.com": {"auth": "${SECRET_AUTH}"},}}`;
    assert.deepEqual(lookup(await loadAuthFile(await file('comma.json', text))), alice);
  });
});

describe('loadAuthFile rejects', () => {
  test('a missing file with INVALID_ARGUMENT', async () => {
    await rejects(path.join(dir, 'nope.json'), ErrorCode.InvalidArgument, /does not exist/);
  });

  test('a directory', async () => {
    await rejects(dir, ErrorCode.InvalidArgument, /is a directory/);
  });

  test('an empty file', async () => {
    await rejects(await file('empty.json', '  \n'), ErrorCode.InvalidCredentials, /is empty/);
  });

  test('a file over the size limit', async () => {
    await rejects(await file('big.json', ' '.repeat(MAX_AUTH_FILE_BYTES + 1)), ErrorCode.InvalidCredentials, /larger than/);
  });

  test('broken JSON and YAML, with a position but not the text', async () => {
    const p = await file('broken.json', `{"auths": {"registry.example.com": {"auth": "${SECRET_AUTH}" hunter2}}`);
    await rejects(p, ErrorCode.InvalidCredentials, /neither valid JSON nor valid YAML: [A-Z_]+ at line 1, column \d+/);
    await rejects(await file('broken.yaml', 'a: 1\nb: [\n'), ErrorCode.InvalidCredentials, /at line \d+, column \d+/);
  });

  test('several YAML documents and YAML aliases', async () => {
    await rejects(await file('multi.yaml', 'a: 1\n---\nb: 2\n'), ErrorCode.InvalidCredentials, /MULTIPLE_DOCS/);
    await rejects(await file('alias.yaml', 'a: &x [1]\nb: *x\n'), ErrorCode.InvalidCredentials, /aliases/);
  });

  test('non-object documents', async () => {
    await rejects(await file('array.json', '[]'), ErrorCode.InvalidCredentials, /not an array/);
    await rejects(await file('string.yaml', 'hunter2'), ErrorCode.InvalidCredentials, /not a string/);
  });

  test('other kinds and Secret types', async () => {
    await rejects(await file('pod.yaml', 'kind: Pod\n'), ErrorCode.InvalidCredentials, /is a Kubernetes "Pod"/);
    await rejects(
      await file('opaque.yaml', `kind: Secret\nmetadata: {name: s, namespace: ns}\ndata: {password: ${b64('hunter2')}}\n`),
      ErrorCode.InvalidCredentials,
      /Secret "ns\/s", which has type "Opaque"; image pull secrets have type kubernetes.io\/dockerconfigjson/,
    );
  });

  test('Secrets with a missing, undecodable or malformed payload', async () => {
    const secret = (data: string) => `kind: Secret\ntype: kubernetes.io/dockerconfigjson\n${data}\n`;
    await rejects(await file('s1.yaml', secret('data: {}')), ErrorCode.InvalidCredentials, /has no data\["\.dockerconfigjson"\]/);
    await rejects(await file('s2.yaml', secret('data: {.dockerconfigjson: "!!!"}')), ErrorCode.InvalidCredentials, /not valid base64/);
    await rejects(
      await file('s3.yaml', secret(`data: {.dockerconfigjson: ${b64('{"auths": hunter2')}}`)),
      ErrorCode.InvalidCredentials,
      /\.dockerconfigjson that is not valid JSON/,
    );
    await rejects(
      await file('s4.yaml', secret(`stringData: {.dockerconfigjson: '${JSON.stringify(CONFIG.auths)}'}`)),
      ErrorCode.InvalidCredentials,
      /without an "auths" object; a legacy map of registries belongs in a kubernetes.io\/dockercfg Secret/,
    );
    await rejects(
      await file('s5.yaml', `kind: Secret\ntype: kubernetes.io/dockercfg\nstringData: {.dockercfg: '[1]'}\n`),
      ErrorCode.InvalidCredentials,
      /\.dockercfg that is an array, not a JSON object/,
    );
  });
});
