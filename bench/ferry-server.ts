// `ferry server` as a child process for the benchmarks: started on a data directory and an
// ephemeral loopback port, with a keep-alive HTTPS client holding the admin token and CA from the
// kubeconfig it writes. Shared by api-bench.ts and pods-bench.ts.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

export interface ApiAnswer {
  status: number;
  body: string;
}

export interface FerryServer {
  process: ChildProcess;
  pid: number;
  port: number;
  token: string;
  ca: Buffer;
  agent: Agent;
  call(method: string, path: string, body?: unknown, contentType?: string): Promise<ApiAnswer>;
  /** The end of the server's stderr, for error messages (empty when stderr is inherited). */
  stderrTail(): string;
}

export async function startFerryServer(options: {
  dataDir: string;
  /** Extra `ferry server` flags. */
  args?: string[];
  /** Flags for node itself, before the script (e.g. --cpu-prof). */
  nodeArgs?: string[];
  maxSockets: number;
  captureStderr?: boolean;
}): Promise<FerryServer> {
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), join(root, 'bin/ferry.js'), 'server', '--data-dir', options.dataDir, '--listen', '127.0.0.1:0', ...(options.args ?? [])],
    { stdio: ['ignore', 'pipe', options.captureStderr === true ? 'pipe' : 'inherit'] },
  );
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (c: string) => (stderr = (stderr + c).slice(-20_000)));
  const port = await new Promise<number>((done, fail) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on https:\/\/[^:]+:(\d+)/.exec(out);
      if (m !== null) done(Number(m[1]));
    });
    child.once('exit', (code) => fail(new Error(`server exited with ${String(code)}: ${stderr}`)));
  });
  const kubeconfig = readFileSync(join(options.dataDir, 'admin.kubeconfig'), 'utf8');
  const token = /token: (\S+)/.exec(kubeconfig)?.[1] ?? '';
  const ca = Buffer.from(/certificate-authority-data: (\S+)/.exec(kubeconfig)?.[1] ?? '', 'base64');
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets, ca });
  const call = (method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<ApiAnswer> =>
    new Promise((done, fail) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      const headers = { Authorization: `Bearer ${token}`, Accept: 'application/json', ...(data === undefined ? {} : { 'Content-Type': contentType }) };
      const req = request({ host: '127.0.0.1', port, method, path, agent, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => done({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', fail);
      req.end(data);
    });
  return { process: child, pid: child.pid as number, port, token, ca, agent, call, stderrTail: () => stderr };
}
