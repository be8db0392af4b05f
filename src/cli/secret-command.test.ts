import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { Keyring } from '../image/keyring.ts';
import { loadAuthFile } from './auth-file.ts';

const bin = resolve(import.meta.dirname, '../../bin/ferry.js');
const KUBECTL = '/usr/lib/google-cloud-sdk/bin/kubectl.1.32';
// Characters Go's JSON encoder escapes and JSON.stringify does not, plus a quote and non-ASCII.
const PASSWORD = 'p<&>"w\u2028ö-not-shown';
const dir = mkdtempSync(join(tmpdir(), 'ferry-secret-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], options: { stdin?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Result> {
  return new Promise((done) => {
    const env = { ...process.env, FERRY_REGISTRY_PASSWORD: undefined, ...options.env };
    const child = spawn(process.execPath, [bin, 'secret', 'generate', ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

interface Secret {
  apiVersion: string;
  kind: string;
  type: string;
  metadata: { name: string; namespace?: string };
  data: Record<string, string>;
}

function decoded(secret: Secret): string {
  return Buffer.from(secret.data['.dockerconfigjson'] ?? '', 'base64').toString('utf8');
}

function kubectlConfig(server: string, user: string, password: string, email?: string): string {
  const args = ['create', 'secret', 'docker-registry', 'x', `--docker-server=${server}`, `--docker-username=${user}`, `--docker-password=${password}`];
  if (email !== undefined) args.push(`--docker-email=${email}`);
  const out = execFileSync(KUBECTL, [...args, '--dry-run=client', '-o', 'json'], { encoding: 'utf8', env: { ...process.env, KUBECONFIG: '/dev/null' } });
  return decoded(JSON.parse(out) as Secret);
}

test('YAML by default, password from $FERRY_REGISTRY_PASSWORD, parses to the right Secret', async () => {
  const r = await run(['--server', 'reg.example:5000', '--username', 'alice', '--name', 'regcred', '--namespace', 'team'], { env: { FERRY_REGISTRY_PASSWORD: PASSWORD } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const secret = parseYaml(r.stdout) as Secret;
  assert.equal(secret.apiVersion, 'v1');
  assert.equal(secret.kind, 'Secret');
  assert.equal(secret.type, 'kubernetes.io/dockerconfigjson');
  assert.deepEqual(secret.metadata, { name: 'regcred', namespace: 'team' });
  assert.deepEqual(JSON.parse(decoded(secret)), {
    auths: { 'reg.example:5000': { username: 'alice', password: PASSWORD, auth: Buffer.from(`alice:${PASSWORD}`).toString('base64') } },
  });
});

test('the decoded config is byte for byte what kubectl 1.32 create secret docker-registry writes', async () => {
  assert.ok(existsSync(KUBECTL), `kubectl 1.32 is needed at ${KUBECTL} (.ci/run checks it)`);
  for (const email of ['dev@example.com', undefined]) {
    const args = ['--server', 'registry.example.com', '--username', 'bob', '--name', 'x', '--output', 'json', '--password-stdin'];
    if (email !== undefined) args.push('--email', email);
    const r = await run(args, { stdin: `${PASSWORD}\n` });
    assert.equal(r.code, 0, r.stderr);
    const secret = JSON.parse(r.stdout) as Secret;
    assert.equal(secret.metadata.namespace, 'default');
    assert.equal(decoded(secret), kubectlConfig('registry.example.com', 'bob', PASSWORD, email));
  }
});

test('--output-file is created 0600, needs --force to be replaced, and keeps the password off the terminal', async () => {
  const file = join(dir, 'regcred.yaml');
  const args = ['--server', 'reg.example', '--username', 'carol', '--name', 'regcred', '--output-file', file, '--password-stdin'];
  const r = await run(args, { stdin: PASSWORD });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.match(r.stderr, /kubectl apply -f /);
  for (const out of [r.stdout, r.stderr]) assert.ok(!out.includes(PASSWORD) && !out.includes('p<&>'), 'password leaked');
  const first = readFileSync(file, 'utf8');
  assert.equal(JSON.parse(decoded(parseYaml(first) as Secret)).auths['reg.example'].password, PASSWORD);

  const again = await run(args, { stdin: 'other' });
  assert.equal(again.code, 2);
  assert.match(again.stderr, /already exists; add --force to replace it/);
  assert.equal(readFileSync(file, 'utf8'), first, 'the existing file is untouched');

  writeFileSync(file, 'old', { mode: 0o644 });
  const forced = await run([...args, '--force'], { stdin: 'other' });
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(JSON.parse(decoded(parseYaml(readFileSync(file, 'utf8')) as Secret)).auths['reg.example'].password, 'other');
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left');
});

test("the seed's imagepull-secret-generator command line works; cloud-only flags are explained", async () => {
  const file = join(dir, 'my-imagepull-secret.json');
  const r = await run([
    '--ak=AKEXAMPLE', '--sk=SKEXAMPLE-secret', `--private-user=dave`, `--private-password=${PASSWORD}`, `--output-file-path=${file}`,
    '--project-name=cn-north-4', '--secret-name=my-imagepull-secret', '--swr-address=swr.cn-north-4.myhuaweicloud.com',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /--ak \(the access key ID[^)]*\), --sk \([^)]*\), --project-name \([^)]*\)/);
  assert.match(r.stderr, /Ferry has no cloud account to derive one from/);
  assert.match(r.stderr, /warning: .*--private-password is visible to other users in the process list/);
  for (const secret of [PASSWORD, 'SKEXAMPLE-secret', 'AKEXAMPLE']) assert.ok(!r.stderr.includes(secret) && !r.stdout.includes(secret));
  // The seed names the file .json, so it is written as JSON.
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as Secret;
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(manifest.metadata, { name: 'my-imagepull-secret', namespace: 'default' });
  assert.deepEqual(Object.keys(JSON.parse(decoded(manifest)).auths), ['swr.cn-north-4.myhuaweicloud.com']);

  const cloudOnly = await run(['--ak=AKEXAMPLE', '--sk=SKEXAMPLE-secret', '--project-name=cn-north-4', '--secret-name=s', '--swr-address=swr.example']);
  assert.equal(cloudOnly.code, 2);
  assert.match(cloudOnly.stderr, /Ferry has no cloud account\); give the registry login instead: --username \(or --private-user\) and the password via --password-stdin/);
  assert.ok(!cloudOnly.stderr.includes('SKEXAMPLE-secret'));
});

test('invalid input names the flag and the fix', async () => {
  const env = { FERRY_REGISTRY_PASSWORD: PASSWORD };
  const base = ['--username', 'u'];
  const cases: [string[], RegExp][] = [
    [[...base, '--server', 'reg.example', '--name', 'Bad_Name'], /--name "Bad_Name" is not a valid Secret name: a lowercase RFC 1123 subdomain/],
    [[...base, '--server', 'reg.example', '--name', 'a'.repeat(254)], /must be no more than 253 characters/],
    [[...base, '--server', 'reg.example/team/app', '--name', 'x'], /--server "reg.example\/team\/app" has a path \(\/team\/app\); give the registry as host\[:port\], e.g. --server reg.example/],
    [[...base, '--server', 'ftp://reg.example', '--name', 'x'], /not ftp:\/\/; give host\[:port\]/],
    [[...base, '--server', 'reg.example:99999', '--name', 'x'], /is not a registry address; give host\[:port\]/],
    [[...base, '--name', 'x'], /--server is required/],
    [['--server', 'reg.example', '--name', 'x'], /--username is required/],
    [[...base, '--server', 'reg.example'], /--name is required/],
    [[...base, '--server', 'reg.example', '--name', 'x', '--output', 'xml'], /--output must be yaml or json/],
    [[...base, '--server', 'reg.example', '--name', 'x', '--secret-name', 'y'], /--name and --secret-name are the same setting with different values/],
  ];
  for (const [args, message] of cases) {
    const r = await run(args, { env });
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, message);
    assert.ok(!r.stderr.includes(PASSWORD));
  }
  const none = await run([...base, '--server', 'reg.example', '--name', 'x']);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no password given: pipe it to --password-stdin, or set \$FERRY_REGISTRY_PASSWORD/);
  const empty = await run([...base, '--server', 'reg.example', '--name', 'x', '--password-stdin'], { stdin: '\n' });
  assert.match(empty.stderr, /the password from stdin is empty/);
});

test('https:// and /v1/ are dropped from --server with a note', async () => {
  const r = await run(['--username', 'u', '--server', 'https://index.docker.io/v1/', '--name', 'hub', '-o', 'json'], { env: { FERRY_REGISTRY_PASSWORD: 'pw' } });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /note: --server: writing "index.docker.io"/);
  assert.deepEqual(Object.keys(JSON.parse(decoded(JSON.parse(r.stdout) as Secret)).auths), ['index.docker.io']);
});

test('the generated file is a valid ferry pull --auth-file, YAML and JSON', async () => {
  for (const ext of ['yaml', 'json']) {
    const file = join(dir, `auth.${ext}`);
    const r = await run(['--server', 'reg.example:5000', '--username', 'erin', '--name', 'regcred', '--output-file', file], { env: { FERRY_REGISTRY_PASSWORD: PASSWORD } });
    assert.equal(r.code, 0, r.stderr);
    const doc = await loadAuthFile(file);
    const found = Keyring.fromDockerConfigs([doc]).lookup('reg.example:5000/team/app:1');
    assert.equal(found.length, 1);
    assert.equal(found[0]?.username, 'erin');
    assert.equal(found[0]?.password, PASSWORD);
  }
});
