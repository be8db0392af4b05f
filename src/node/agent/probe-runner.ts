// One probe attempt, as the kubelet's prober runs it: exec in the container (exit 0 succeeds,
// output bounded, a timeout fails), HTTP GET (200-399 succeeds; the kubelet's User-Agent and
// Accept; TLS unverified as the kubelet does), TCP connect. Failure text is the kubelet's.
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/pkg/kubelet/prober/prober.go (runProbe)
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/pkg/probe/http/http.go
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/pkg/probe/tcp/tcp.go
// https://github.com/kubernetes/kubernetes/blob/v1.32.4/pkg/probe/exec/exec.go
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { ExecResult } from '../runtime/index.ts';
import type { PodContainer, PortRef, Probe } from './pod-types.ts';

/** probe.Result: Warning counts as success (an HTTP redirect elsewhere). */
export type ProbeResult = 'success' | 'warning' | 'failure' | 'unknown';

export interface ProbeOutcome {
  result: ProbeResult;
  output: string;
  /** The probe could not be run at all (result unknown). */
  error?: Error | undefined;
}

export interface ProbeTarget {
  container: PodContainer;
  /** status.podIP: the default host of HTTP and TCP probes. */
  podIP: string;
  exec: (command: string[], timeoutMs: number) => Promise<ExecResult>;
}

const MAX_BODY = 10 * 1024;
export const PROBE_USER_AGENT = 'kube-probe/1.32';

/** extractPort: a number, a named container port, or a number written as a string. */
export function probePort(port: PortRef, container: PodContainer): number {
  let n: number;
  if (typeof port === 'number') n = port;
  else {
    const named = (container.ports ?? []).find((p) => p.name === port);
    if (named !== undefined) n = named.containerPort;
    else if (/^[+-]?\d+$/.test(port)) n = Number(port);
    else throw new Error(`strconv.Atoi: parsing ${JSON.stringify(port)}: invalid syntax`);
  }
  if (n > 0 && n < 65536) return n;
  throw new Error(`invalid port number: ${n}`);
}

export async function runProbe(probe: Probe, target: ProbeTarget): Promise<ProbeOutcome> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  try {
    if (probe.exec !== undefined) return await execProbe(probe.exec.command ?? [], timeoutMs, target);
    if (probe.httpGet !== undefined) return await httpProbe(probe.httpGet, timeoutMs, target);
    if (probe.tcpSocket !== undefined) {
      const host = probe.tcpSocket.host ?? '';
      return await tcpProbe(host === '' ? target.podIP : host, probePort(probe.tcpSocket.port, target.container), timeoutMs);
    }
    return { result: 'unknown', output: '', error: new Error('missing probe handler (grpc probes are not supported by this node)') };
  } catch (err) {
    return { result: 'unknown', output: '', error: err as Error };
  }
}

async function execProbe(command: string[], timeoutMs: number, target: ProbeTarget): Promise<ProbeOutcome> {
  const r = await target.exec(command, timeoutMs);
  // ExecProbeTimeout (GA): a timed-out command fails the probe with the runtime's message.
  if (r.timedOut) return { result: 'failure', output: `command ${JSON.stringify(command.join(' '))} timed out` };
  return { result: r.exitCode === 0 ? 'success' : 'failure', output: r.output };
}

function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Go's dial errors, as the kubelet prints them. */
function dialError(err: NodeJS.ErrnoException, address: string): string {
  if (err.code === 'ECONNREFUSED') return `dial tcp ${address}: connect: connection refused`;
  if (err.code === 'EHOSTUNREACH') return `dial tcp ${address}: connect: no route to host`;
  return `dial tcp ${address}: ${err.message}`;
}

function httpProbe(action: NonNullable<Probe['httpGet']>, timeoutMs: number, target: ProbeTarget): Promise<ProbeOutcome> {
  const scheme = (action.scheme ?? 'HTTP').toLowerCase();
  const host = action.host === undefined || action.host === '' ? target.podIP : action.host;
  const port = probePort(action.port, target.container);
  let path = action.path ?? '/';
  if (!path.startsWith('/')) path = `/${path}`;
  const url = `${scheme}://${joinHostPort(host, port)}${path}`;
  const headers: Record<string, string> = { 'User-Agent': PROBE_USER_AGENT, Accept: '*/*' };
  for (const h of action.httpHeaders ?? []) {
    // A header set in the probe replaces the default of the same name (Go's http.Header is case-insensitive).
    for (const k of Object.keys(headers)) if (k.toLowerCase() === h.name.toLowerCase()) delete headers[k];
    headers[h.name] = h.value;
  }
  const request = scheme === 'https' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let settled = false;
    const done = (o: ProbeOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(o);
    };
    const req = request(url, { method: 'GET', headers, rejectUnauthorized: false, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (body.length < MAX_BODY) body += chunk.slice(0, MAX_BODY - body.length);
      });
      res.on('end', () => {
        const code = res.statusCode ?? 0;
        // A redirect is not followed: the kubelet's answer to one it does not follow is a warning.
        if (code >= 300 && code < 400) done({ result: 'warning', output: `Probe terminated redirects, Response body: ${body}` });
        else if (code >= 200 && code < 300) done({ result: 'success', output: body });
        else done({ result: 'failure', output: `HTTP probe failed with statuscode: ${code}` });
      });
      res.on('error', (err) => done({ result: 'failure', output: `Get ${JSON.stringify(url)}: ${err.message}` }));
    });
    const timer = setTimeout(() => {
      done({ result: 'failure', output: `Get ${JSON.stringify(url)}: context deadline exceeded (Client.Timeout exceeded while awaiting headers)` });
      req.destroy();
    }, timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => done({ result: 'failure', output: `Get ${JSON.stringify(url)}: ${dialError(err, joinHostPort(host, port))}` }));
    req.end();
  });
}

function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeOutcome> {
  const address = joinHostPort(host, port);
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (o: ProbeOutcome) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(o);
    };
    const timer = setTimeout(() => done({ result: 'failure', output: `dial tcp ${address}: i/o timeout` }), timeoutMs);
    socket.once('connect', () => done({ result: 'success', output: '' }));
    socket.once('error', (err: NodeJS.ErrnoException) => done({ result: 'failure', output: dialError(err, address) }));
  });
}
