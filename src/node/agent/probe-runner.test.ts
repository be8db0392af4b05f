// Probe handlers against real sockets on loopback: HTTP status ranges, headers, named ports,
// timeouts, TCP, and exec results mapped as the kubelet maps them.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { ExecResult } from '../runtime/index.ts';
import { probePort, runProbe } from './probe-runner.ts';
import type { ProbeTarget } from './probe-runner.ts';

let server: Server;
let port: number;
let seen: IncomingHttpHeaders = {};

before(async () => {
  server = createServer((req, res) => {
    seen = req.headers;
    if (req.url === '/slow') return void setTimeout(() => res.end('late'), 3000);
    const code = Number(/^\/code\/(\d+)$/.exec(req.url ?? '')?.[1] ?? 200);
    res.writeHead(code, code >= 300 && code < 400 ? { Location: 'http://elsewhere/' } : {});
    res.end('body');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

const target = (exec?: ExecResult): ProbeTarget => ({
  container: { name: 'c', ports: [{ name: 'web', containerPort: port }] },
  podIP: '127.0.0.1',
  exec: async () => exec ?? { exitCode: 0, timedOut: false, output: '' },
});

test('httpGet: 2xx succeeds, 3xx warns, 4xx/5xx fail with the status code; headers are sent', async () => {
  assert.equal((await runProbe({ httpGet: { port: 'web', path: '/code/204' } }, target())).result, 'success');
  assert.equal(seen['user-agent'], 'kube-probe/1.32');
  assert.equal((await runProbe({ httpGet: { port, path: '/code/302' } }, target())).result, 'warning');
  const r = await runProbe({ httpGet: { port, path: '/code/500', httpHeaders: [{ name: 'X-Probe', value: 'yes' }, { name: 'user-agent', value: 'mine' }] } }, target());
  assert.deepEqual(r, { result: 'failure', output: 'HTTP probe failed with statuscode: 500' });
  assert.equal(seen['x-probe'], 'yes');
  assert.equal(seen['user-agent'], 'mine');
  assert.equal((await runProbe({ httpGet: { port, path: '/code/404' } }, target())).result, 'failure');
});

test('httpGet: a timeout and a refused connection fail with Go-like messages', async () => {
  const slow = await runProbe({ httpGet: { port, path: '/slow' }, timeoutSeconds: 1 }, target());
  assert.equal(slow.result, 'failure');
  assert.match(slow.output, /^Get "http:\/\/127\.0\.0\.1:\d+\/slow": context deadline exceeded/);
  const closed = await freePort();
  const refused = await runProbe({ httpGet: { port: closed } }, target());
  assert.deepEqual(refused, { result: 'failure', output: `Get "http://127.0.0.1:${closed}/": dial tcp 127.0.0.1:${closed}: connect: connection refused` });
});

test('tcpSocket: connect succeeds, refused fails', async () => {
  assert.equal((await runProbe({ tcpSocket: { port } }, target())).result, 'success');
  const closed = await freePort();
  assert.deepEqual(await runProbe({ tcpSocket: { port: closed } }, target()), { result: 'failure', output: `dial tcp 127.0.0.1:${closed}: connect: connection refused` });
});

test('exec: exit 0 succeeds, non-zero fails with the output, a timeout fails with the runtime message', async () => {
  assert.deepEqual(await runProbe({ exec: { command: ['true'] } }, target({ exitCode: 0, timedOut: false, output: 'ok' })), { result: 'success', output: 'ok' });
  assert.deepEqual(await runProbe({ exec: { command: ['false'] } }, target({ exitCode: 1, timedOut: false, output: 'no' })), { result: 'failure', output: 'no' });
  assert.deepEqual(await runProbe({ exec: { command: ['sleep', '9'] } }, target({ exitCode: undefined, timedOut: true, output: '' })),
    { result: 'failure', output: 'command "sleep 9" timed out' });
});

test('ports: numbers, names, numeric strings; an unknown name is an error', () => {
  const c = { name: 'c', ports: [{ name: 'http', containerPort: 8080 }] };
  assert.equal(probePort(80, c), 80);
  assert.equal(probePort('http', c), 8080);
  assert.equal(probePort('9090', c), 9090);
  assert.throws(() => probePort('web', c), /strconv.Atoi: parsing "web": invalid syntax/);
  assert.throws(() => probePort(0, c), /invalid port number: 0/);
});

async function freePort(): Promise<number> {
  const s = createTcpServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return p;
}
