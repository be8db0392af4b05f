// The other end of spawner.ts: a small, long-lived process that runs commands for the node agent
// and answers with their output. It imports nothing but Node's child_process, so it stays a few
// tens of MB, and forking it costs a fraction of forking the agent (see spawner.ts for why).
// Protocol: one JSON request per line on stdin, one JSON answer per line on stdout, by id.
import { execFile } from 'node:child_process';

interface Request {
  id: number;
  file: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
  stdin?: string;
  timeoutMs?: number;
  maxBuffer?: number;
}

let buffered = '';
let pending = 0;
let ended = false;

function answer(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

function run(req: Request): void {
  pending++;
  const child = execFile(req.file, req.args, {
    ...(req.env === undefined ? {} : { env: req.env }),
    ...(req.cwd === undefined ? {} : { cwd: req.cwd }),
    timeout: req.timeoutMs ?? 60_000,
    maxBuffer: req.maxBuffer ?? 16 * 1024 * 1024,
    encoding: 'utf8',
  }, (err, stdout, stderr) => {
    const e = err as (NodeJS.ErrnoException & { killed?: boolean; signal?: string | null; code?: number | string | null }) | null;
    answer({
      id: req.id, stdout, stderr,
      ...(e === null ? {} : { error: { message: e.message, code: e.code ?? null, signal: e.signal ?? null, killed: e.killed === true } }),
    });
    pending--;
    if (ended && pending === 0) process.exit(0);
  });
  child.stdin?.on('error', () => {});
  if (req.stdin !== undefined) child.stdin?.end(req.stdin);
  else child.stdin?.end();
}

process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  buffered += chunk;
  for (let nl = buffered.indexOf('\n'); nl !== -1; nl = buffered.indexOf('\n')) {
    const line = buffered.slice(0, nl);
    buffered = buffered.slice(nl + 1);
    if (line.trim() !== '') run(JSON.parse(line) as Request);
  }
});
// The agent has gone (or closed us): finish what runs, then leave.
process.stdin.on('end', () => {
  ended = true;
  if (pending === 0) process.exit(0);
});
