import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { configuredHelper, dockerConfigCredentials, type HelperResult, type HelperRunner } from './credential-helpers.ts';
import { ErrorCode, ImageError } from './errors.ts';

interface Call {
  program: string;
  args: readonly string[];
  input: string;
}

function fakeRunner(answer: Partial<HelperResult> | Error): { runner: HelperRunner; calls: Call[] } {
  const calls: Call[] = [];
  const runner: HelperRunner = (program, args, input) => {
    calls.push({ program, args, input });
    if (answer instanceof Error) return Promise.reject(answer);
    return Promise.resolve({ code: 0, stdout: '', stderr: '', timedOut: false, ...answer });
  };
  return { runner, calls };
}

const ok = (username: string, secret: string) => ({ stdout: JSON.stringify({ ServerURL: 'x', Username: username, Secret: secret }) });

async function rejectsWith(promise: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof ImageError, String(err));
    assert.equal(err.code, ErrorCode.InvalidCredentials);
    assert.match(err.message, message);
    assert.ok(!err.message.includes('s3cret'), err.message);
    return true;
  });
}

describe('configuredHelper', () => {
  test('credHelpers for the registry wins over credsStore', () => {
    const config = { credsStore: 'desktop', credHelpers: { 'gcr.io': 'gcloud' } };
    assert.deepEqual(configuredHelper(config, 'gcr.io'), {
      program: 'docker-credential-gcloud',
      setting: 'credHelpers',
      serverUrl: 'gcr.io',
    });
    assert.deepEqual(configuredHelper(config, 'ghcr.io'), {
      program: 'docker-credential-desktop',
      setting: 'credsStore',
      serverUrl: 'ghcr.io',
    });
  });

  test('Docker Hub is asked for under the v1 index URL, whichever Hub key names the helper', () => {
    for (const key of ['https://index.docker.io/v1/', 'docker.io', 'index.docker.io']) {
      const helper = configuredHelper({ credHelpers: { [key]: 'hub' } }, 'docker.io');
      assert.deepEqual(helper, { program: 'docker-credential-hub', setting: 'credHelpers', serverUrl: 'https://index.docker.io/v1/' }, key);
    }
  });

  test('no helper, or an empty or non-object config, gives undefined', () => {
    assert.equal(configuredHelper({ auths: {} }, 'ghcr.io'), undefined);
    assert.equal(configuredHelper({ credsStore: '' }, 'ghcr.io'), undefined);
    assert.equal(configuredHelper({ credHelpers: { 'gcr.io': 'g' } }, 'ghcr.io'), undefined);
    assert.equal(configuredHelper({ credHelpers: {} }, '__proto__'), undefined);
    assert.equal(configuredHelper(null, 'ghcr.io'), undefined);
  });

  test('a helper name that could run another program is refused', () => {
    for (const name of ['../../bin/sh', '/bin/sh', 'a b', '-rf']) {
      assert.throws(() => configuredHelper({ credsStore: name }, 'ghcr.io'), { code: ErrorCode.InvalidCredentials }, name);
    }
  });
});

describe('dockerConfigCredentials with an injected runner', () => {
  test('runs "get" with the server URL on stdin and returns user and password', async () => {
    const { runner, calls } = fakeRunner(ok('alice', 's3cret'));
    const credential = await dockerConfigCredentials({ credsStore: 'pass' }, 'registry.example.com', { runner });
    assert.deepEqual(credential, { username: 'alice', password: 's3cret' });
    assert.deepEqual(calls, [{ program: 'docker-credential-pass', args: ['get'], input: 'registry.example.com' }]);
  });

  test('user name <token> means the secret is an identity token', async () => {
    const { runner } = fakeRunner(ok('<token>', 'refresh'));
    assert.deepEqual(await dockerConfigCredentials({ credsStore: 'x' }, 'docker.io', { runner }), { identityToken: 'refresh' });
  });

  test('no helper configured: undefined, nothing run', async () => {
    const { runner, calls } = fakeRunner(ok('a', 'b'));
    assert.equal(await dockerConfigCredentials({ auths: {} }, 'ghcr.io', { runner }), undefined);
    assert.equal(calls.length, 0);
  });

  test('"credentials not found" and an empty answer mean anonymous', async () => {
    const notFound = fakeRunner({ code: 1, stdout: 'credentials not found in native keychain\n' });
    assert.equal(await dockerConfigCredentials({ credsStore: 'x' }, 'ghcr.io', { runner: notFound.runner }), undefined);
    const empty = fakeRunner(ok('', ''));
    assert.equal(await dockerConfigCredentials({ credsStore: 'x' }, 'ghcr.io', { runner: empty.runner }), undefined);
  });

  test('a missing helper names the program and the fix', async () => {
    const missing = Object.assign(new Error('spawn docker-credential-desktop ENOENT'), { code: 'ENOENT' });
    await rejectsWith(
      dockerConfigCredentials({ credsStore: 'desktop' }, 'ghcr.io', { runner: fakeRunner(missing).runner }),
      /"docker-credential-desktop" \(credsStore in the docker config\) is not installed or not on PATH; install it, or remove "credsStore"/,
    );
  });

  test('a failing helper reports its exit code and first line of output', async () => {
    const { runner } = fakeRunner({ code: 3, stderr: 'keychain locked\nmore detail\n' });
    await rejectsWith(
      dockerConfigCredentials({ credHelpers: { 'ghcr.io': 'osx' } }, 'ghcr.io', { runner }),
      /"docker-credential-osx" \(credHelpers in the docker config\) failed for ghcr.io \(exit code 3\): keychain locked; log in again/,
    );
  });

  test('a failing helper that prints JSON does not have it echoed', async () => {
    const { runner } = fakeRunner({ code: 1, stdout: '{"Username":"a","Secret":"s3cret"}' });
    await rejectsWith(dockerConfigCredentials({ credsStore: 'x' }, 'ghcr.io', { runner }), /exit code 1\); log in again/);
  });

  test('a timeout and nonsense output are errors', async () => {
    await rejectsWith(
      dockerConfigCredentials({ credsStore: 'x' }, 'ghcr.io', { runner: fakeRunner({ timedOut: true, code: null }).runner, timeoutMs: 5 }),
      /gave no answer for ghcr.io within 5 ms/,
    );
    await rejectsWith(
      dockerConfigCredentials({ credsStore: 'x' }, 'ghcr.io', { runner: fakeRunner({ stdout: 'user=a s3cret' }).runner }),
      /printed something other than JSON/,
    );
    await rejectsWith(
      dockerConfigCredentials({ credsStore: 'x' }, 'ghcr.io', { runner: fakeRunner({ stdout: '{"Username": 1, "Secret": "s3cret"}' }).runner }),
      /did not answer with \{"Username"/,
    );
    await rejectsWith(
      dockerConfigCredentials({ credsStore: 'x' }, 'ghcr.io', { runner: fakeRunner({ stdout: 'null' }).runner }),
      /did not answer with/,
    );
  });
});

describe('dockerConfigCredentials with a real helper on PATH', () => {
  let dir: string;
  let savedPath: string | undefined;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ferry-cred-helper-'));
    const helper = [
      '#!/bin/sh',
      '[ "$1" = get ] || exit 2',
      'server=$(cat)',
      'case "$server" in',
      `  registry.example.com) printf '{"ServerURL":"%s","Username":"alice","Secret":"s3cret"}' "$server" ;;`,
      `  https://index.docker.io/v1/) printf '{"Username":"<token>","Secret":"refresh"}' ;;`,
      '  broken.example.com) echo "helper exploded" >&2; exit 4 ;;',
      '  *) echo "credentials not found in native keychain"; exit 1 ;;',
      'esac',
      '',
    ].join('\n');
    await writeFile(path.join(dir, 'docker-credential-ferrytest'), helper);
    await writeFile(path.join(dir, 'docker-credential-ferryslow'), '#!/bin/sh\nexec sleep 5\n');
    await chmod(path.join(dir, 'docker-credential-ferrytest'), 0o755);
    await chmod(path.join(dir, 'docker-credential-ferryslow'), 0o755);
    savedPath = process.env['PATH'];
    process.env['PATH'] = `${dir}${path.delimiter}${savedPath ?? ''}`;
  });
  after(async () => {
    process.env['PATH'] = savedPath;
    await rm(dir, { recursive: true, force: true });
  });

  test('reads credentials, identity tokens and "not found"', async () => {
    const config = { credsStore: 'ferrytest' };
    assert.deepEqual(await dockerConfigCredentials(config, 'registry.example.com'), { username: 'alice', password: 's3cret' });
    assert.deepEqual(await dockerConfigCredentials(config, 'docker.io'), { identityToken: 'refresh' });
    assert.equal(await dockerConfigCredentials(config, 'other.example.com'), undefined);
  });

  test('reports a failing helper', async () => {
    await rejectsWith(dockerConfigCredentials({ credsStore: 'ferrytest' }, 'broken.example.com'), /exit code 4\): helper exploded/);
  });

  test('reports a missing helper', async () => {
    await rejectsWith(dockerConfigCredentials({ credsStore: 'ferry-no-such-helper' }, 'ghcr.io'), /not installed or not on PATH/);
  });

  test('gives up on a helper that hangs', async () => {
    const started = Date.now();
    await rejectsWith(dockerConfigCredentials({ credsStore: 'ferryslow' }, 'ghcr.io', { timeoutMs: 300 }), /within 300 ms/);
    assert.ok(Date.now() - started < 3000, 'the timeout did not stop the wait');
  });
});
