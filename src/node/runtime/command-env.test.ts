import assert from 'node:assert/strict';
import { test } from 'node:test';
import { containerArgs, DEFAULT_PATH_ENV, expandKubeVars, kubeEnv, mergeEnv, processEnv } from './command-env.ts';
import { isRuntimeError } from './errors.ts';

// The table of https://kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/#notes
test('command and args follow the Kubernetes docs table', () => {
  const image = { Entrypoint: ['/ep-1'], Cmd: ['foo', 'bar'] };
  const rows: [string[] | undefined, string[] | undefined, string[]][] = [
    [undefined, undefined, ['/ep-1', 'foo', 'bar']],
    [['/ep-2'], undefined, ['/ep-2']],
    [undefined, ['zoo', 'boo'], ['/ep-1', 'zoo', 'boo']],
    [['/ep-2'], ['zoo', 'boo'], ['/ep-2', 'zoo', 'boo']],
  ];
  for (const [command, args, want] of rows) {
    assert.deepEqual(containerArgs(image, { name: 'c', command, args }, new Map()), want, `command=${command} args=${args}`);
  }
});

test('an empty command list counts as not set; an image with neither Entrypoint nor Cmd needs a command', () => {
  assert.deepEqual(containerArgs({ Cmd: ['sh'] }, { name: 'c', command: [], args: [] }, new Map()), ['sh']);
  assert.deepEqual(containerArgs({ Entrypoint: null, Cmd: null }, { name: 'c', args: ['x'] }, new Map()), ['x']);
  assert.throws(() => containerArgs({}, { name: 'web' }, new Map()), (e) => isRuntimeError(e, 'INVALID_SPEC') && /web: no command specified/.test(e.message));
});

test('$(VAR) in command and args expands with the container env, not the image env', () => {
  const env = kubeEnv({ env: [{ name: 'MESSAGE', value: 'hello' }] });
  assert.deepEqual(
    containerArgs({ Entrypoint: ['/bin/sh'] }, { name: 'c', command: ['/bin/echo', '$(MESSAGE)'], args: ['$(HOME)', '$$(MESSAGE)'] }, env),
    ['/bin/echo', 'hello', '$(HOME)', '$(MESSAGE)'],
  );
});

// https://kubernetes.io/docs/tasks/inject-data-application/define-interdependent-environment-variables/
test('dependent env vars expand as in the Kubernetes docs example', () => {
  const env = kubeEnv({
    env: [
      { name: 'SERVICE_PORT', value: '80' },
      { name: 'SERVICE_IP', value: '172.17.0.1' },
      { name: 'UNCHANGED_REFERENCE', value: '$(PROTOCOL)://$(SERVICE_IP):$(SERVICE_PORT)' },
      { name: 'PROTOCOL', value: 'https' },
      { name: 'SERVICE_ADDRESS', value: '$(PROTOCOL)://$(SERVICE_IP):$(SERVICE_PORT)' },
      { name: 'ESCAPED_REFERENCE', value: '$$(PROTOCOL)://$(SERVICE_IP):$(SERVICE_PORT)' },
    ],
  });
  assert.equal(env.get('UNCHANGED_REFERENCE'), '$(PROTOCOL)://172.17.0.1:80');
  assert.equal(env.get('SERVICE_ADDRESS'), 'https://172.17.0.1:80');
  assert.equal(env.get('ESCAPED_REFERENCE'), '$(PROTOCOL)://172.17.0.1:80');
});

// Cases from the kubelet's third_party/forked/golang/expansion/expand_test.go.
test('expansion edge cases match the kubelet', () => {
  const vars: Record<string, string> = { VAR_A: 'A', VAR_B: 'B', VAR_EMPTY: '' };
  const lookup = (n: string) => vars[n];
  const cases: [string, string][] = [
    ['$(VAR_A)', 'A'],
    ['___$(VAR_B)___', '___B___'],
    ['$(VAR_A)-$(VAR_A)', 'A-A'],
    ['$(VAR_EMPTY)', ''],
    ['$(UNKNOWN)', '$(UNKNOWN)'],
    ['$$(VAR_A)', '$(VAR_A)'],
    ['$$$$$$(BIG_MONEY)', '$$$(BIG_MONEY)'],
    ['$$$(VAR_A)', '$A'],
    ['f000-$$VAR_A', 'f000-$VAR_A'],
    ['$VAR_A', '$VAR_A'],
    ['$(VAR_A', '$(VAR_A'],
    ['$()', '$()'],
    ['$)', '$)'],
    ['trailing $', 'trailing $'],
    ['$', '$'],
    ['', ''],
  ];
  for (const [input, want] of cases) assert.equal(expandKubeVars(input, lookup), want, input);
});

test('later duplicates win; service env is visible to $(VAR) and added unless overridden', () => {
  const env = kubeEnv(
    { env: [{ name: 'A', value: '1' }, { name: 'URL', value: 'http://$(DB_SERVICE_HOST)' }, { name: 'A', value: '2' }, { name: 'DB_SERVICE_PORT', value: 'x' }] },
    { DB_SERVICE_HOST: '10.0.0.5', DB_SERVICE_PORT: '5432' },
  );
  assert.deepEqual([...env], [['A', '2'], ['URL', 'http://10.0.0.5'], ['DB_SERVICE_PORT', 'x'], ['DB_SERVICE_HOST', '10.0.0.5']]);
});

test('process env: default PATH and HOSTNAME, then image Env, then Kubernetes env, replaced in place', () => {
  const env = processEnv({ Env: ['PATH=/opt/bin:/bin', 'LANG=C', 'MODE=image'] }, 'web-0', new Map([['MODE', 'pod'], ['EXTRA', 'x=y']]));
  assert.deepEqual(env, ['PATH=/opt/bin:/bin', 'HOSTNAME=web-0', 'LANG=C', 'MODE=pod', 'EXTRA=x=y']);
  assert.deepEqual(processEnv({}, 'h', new Map()), [DEFAULT_PATH_ENV, 'HOSTNAME=h']);
  assert.deepEqual(mergeEnv(['A=1', 'B'], ['B=2', 'C=3']), ['A=1', 'B=2', 'C=3']);
});
