import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { parseListen } from './server-command.ts';

const bin = resolve(import.meta.dirname, '../../bin/ferry.js');

function run(args: string[], until?: RegExp): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [bin, ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (until?.test(stdout) === true) child.kill('SIGTERM');
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => done({ code, stdout, stderr }));
  });
}

test('--listen accepts HOST:PORT and [v6]:PORT and names the fix otherwise', () => {
  assert.deepEqual(parseListen('127.0.0.1:6443'), { host: '127.0.0.1', port: 6443 });
  assert.deepEqual(parseListen('[::1]:0'), { host: '::1', port: 0 });
  assert.throws(() => parseListen('6443'), /expected HOST:PORT, e\.g\. 127\.0\.0\.1:6443/);
  assert.throws(() => parseListen('127.0.0.1:70000'), /expected HOST:PORT/);
});

test('ferry server prints the KUBECONFIG line, writes private files, and stops on SIGTERM; ferry kubeconfig prints it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-server-cmd-'));
  try {
    // A relative --data-dir still prints an absolute KUBECONFIG path.
    const result = await run(['server', '--data-dir', relative(process.cwd(), dir), '--listen', '127.0.0.1:0'], /export KUBECONFIG=/);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /listening on https:\/\/127\.0\.0\.1:\d+/);
    assert.ok(result.stdout.includes(`export KUBECONFIG=${join(dir, 'admin.kubeconfig')}`));
    for (const file of ['admin.kubeconfig', 'pki/ca.key', 'pki/apiserver.key', 'pki/admin.token', 'encryption.key']) {
      assert.equal(statSync(join(dir, file)).mode & 0o077, 0, `${file} must not be readable by others`);
    }
    const printed = await run(['kubeconfig', '--data-dir', dir]);
    assert.equal(printed.stdout, readFileSync(join(dir, 'admin.kubeconfig'), 'utf8'));
    assert.match(printed.stdout, /certificate-authority-data: /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a port in use is a clear error, not a stack trace', async () => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
  const port = (blocker.address() as { port: number }).port;
  const dir = mkdtempSync(join(tmpdir(), 'ferry-server-cmd-'));
  try {
    const result = await run(['server', '--data-dir', dir, '--listen', `127.0.0.1:${port}`]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, new RegExp(`ferry server: 127\\.0\\.0\\.1:${port} is already in use .*--listen HOST:PORT`));
  } finally {
    blocker.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ferry kubeconfig without a server says how to start one', async () => {
  const result = await run(['kubeconfig', '--data-dir', '/nonexistent/ferry']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /no kubeconfig in \/nonexistent\/ferry: start the server first with: ferry server --data-dir \/nonexistent\/ferry/);
});
