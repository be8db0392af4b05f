// `ferry registry trust HOST[:PORT]`: fetch the chain a registry presents, show it, and install
// its CA where pulls look for it (`<certs-dir>/<host[:port]>/ca.crt`, read live: no restart).
// Replaces the seeds' `openssl s_client | sed > anchors/; update-ca-trust; systemctl restart`.
import { randomBytes, X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { defaultDataDir } from './data-dir.ts';
import { fetchChain, parseTarget, TrustError, verifyWithCa } from './tls-chain.ts';
import type { ChainCert, Target } from './tls-chain.ts';
import { parse, UsageError } from './usage.ts';

const HELP = `Usage: ferry registry trust HOST[:PORT] [options]

Shows the certificate chain HOST:PORT (default port 443) presents and, after confirmation,
installs its root CA as <certs-dir>/<host[:port]>/ca.crt, which the next pull uses.

  --data-dir DIR     data directory (default $FERRY_DATA_DIR, else ~/.local/share/ferry)
  --certs-dir DIR    containerd-style certs.d directory (default DIR/certs.d)
  --yes              install without asking (needed when not on a terminal)
  --force            replace an existing, different ca.crt
  --print            only print the chain
  --json             print the chain as JSON (implies --print)
  --timeout SECONDS  connection timeout (default 10)
`;

export async function registryCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'trust') return trustCommand(rest);
  if (sub === undefined || sub === '--help' || sub === '-h') {
    process.stdout.write(`Usage: ferry registry trust HOST[:PORT] [options]  (see ferry registry trust --help)\n`);
    return sub === undefined ? 2 : 0;
  }
  throw new UsageError(`unknown subcommand "${sub}": expected "trust"`);
}

function render(t: Target, chain: ChainCert[]): string {
  const lines = [`Certificate chain presented by ${t.display}:`];
  chain.forEach((c, i) => {
    const mark = c.selfSigned ? ' (root, self-signed)' : i === 0 ? ' (server)' : '';
    lines.push(
      `  [${i}]${mark}`,
      `      subject:     ${c.subject}`,
      `      issuer:      ${c.issuer}`,
      `      valid:       ${c.notBefore} to ${c.notAfter}`,
      `      sha256:      ${c.fingerprint256}`,
      `      CA:          ${c.ca ? 'yes' : 'no'}`,
    );
  });
  return `${lines.join('\n')}\n`;
}

/** The root when sent; else the top-most CA sent; else (a lone leaf) the top certificate. */
function choose(chain: ChainCert[]): { cert: ChainCert; warning?: string } {
  const root = chain.find((c) => c.selfSigned);
  if (root) return { cert: root };
  const top = [...chain].reverse().find((c) => c.ca) ?? (chain[chain.length - 1] as ChainCert);
  const what = top.ca ? 'the top-most CA certificate it sent' : 'its top certificate (not a CA)';
  return {
    cert: top,
    warning:
      `warning: the server does not send its root certificate (the chain ends at "${top.issuer}", which it did not send); ` +
      `installing ${what} instead. Verification may fail: get the root CA "${top.issuer}" from the registry's administrator if it does.`,
  };
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

async function readExisting(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function fingerprintOf(pem: string): string {
  try {
    return new X509Certificate(pem).fingerprint256;
  } catch {
    return 'unparsable';
  }
}

// Temp + rename: a pull reading ca.crt concurrently sees the old file or the new one, never half.
async function writeAtomic(dir: string, file: string, text: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o755 });
  const tmp = join(dir, `.ca.crt.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, text, { mode: 0o644 });
    await chmod(tmp, 0o644); // the umask must not make the CA unreadable to the engine
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

function explain(t: Target, code: string, raw: string, file: string): string {
  // Node's own hint (--use-system-ca) is about its process, not about the file just installed.
  const message = raw.replace(/; if the root CA is installed locally.*$/, '');
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return `the CA is fine, but the server's name "${t.host}" is not in its certificate (${message}); reach the registry by a name its certificate lists, or have it reissued`;
  }
  if (/UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED/.test(code)) {
    return `${code}: ${message}; the installed certificate does not anchor the server's chain: put the registry's root CA in ${file}`;
  }
  if (/CERT_HAS_EXPIRED|CERT_NOT_YET_VALID/.test(code)) return `${code}: ${message}; the certificate's validity does not cover now (check the clocks or renew it)`;
  return `${code}: ${message}`;
}

async function trustCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, {
    'data-dir': { type: 'string' },
    'certs-dir': { type: 'string' },
    yes: { type: 'boolean', short: 'y' },
    force: { type: 'boolean' },
    print: { type: 'boolean' },
    json: { type: 'boolean' },
    timeout: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`expected exactly one HOST[:PORT], got ${positionals.length}\n\n${HELP}`);
  const target = parseTarget(positionals[0] as string);
  if (!target) throw new UsageError(`"${positionals[0]}" is not HOST[:PORT] (e.g. registry.example.com or 10.0.0.5:5000)`);
  const timeoutMs = Number(values.timeout ?? '10') * 1000;
  if (!(timeoutMs > 0)) throw new UsageError(`--timeout must be a positive number of seconds, not "${values.timeout}"`);
  const certsDir = values['certs-dir'] ?? join(values['data-dir'] ?? defaultDataDir(), 'certs.d');
  const dir = join(certsDir, target.dirName);
  const file = join(dir, 'ca.crt');

  let chain: ChainCert[];
  try {
    chain = await fetchChain(target, timeoutMs);
  } catch (err) {
    if (!(err instanceof TrustError)) throw err;
    process.stderr.write(`ferry registry trust: ${err.message}\n`);
    return 1;
  }
  const { cert, warning } = choose(chain);
  if (values.json) {
    const out = { host: target.display, rootSent: chain.some((c) => c.selfSigned), install: { path: file, fingerprint256: cert.fingerprint256 }, chain };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return 0;
  }
  process.stdout.write(render(target, chain));
  if (warning) process.stderr.write(`${warning}\n`);
  if (values.print) return 0;

  const existing = await readExisting(file);
  if (existing !== undefined && existing.trim() !== cert.pem.trim()) {
    if (!values.force) {
      process.stderr.write(
        `ferry registry trust: ${file} already holds a different certificate (sha256 ${fingerprintOf(existing)}); ` +
          `the server's is sha256 ${cert.fingerprint256}. Pass --force to replace it.\n`,
      );
      return 1;
    }
  }
  process.stdout.write(`Would install ${cert.subject} (sha256 ${cert.fingerprint256}) as ${file}\n`);
  if (!values.yes) {
    if (!process.stdin.isTTY) {
      process.stderr.write(`ferry registry trust: not a terminal, so not asking; nothing installed. Re-run with --yes to install it.\n`);
      return 2;
    }
    if (!(await confirm(`Trust this certificate for ${target.display}? [y/N] `))) {
      process.stderr.write('Not installed.\n');
      return 1;
    }
  }
  await writeAtomic(dir, file, cert.pem.endsWith('\n') ? cert.pem : `${cert.pem}\n`);
  process.stdout.write(`Installed ${file}; pulls from ${target.display} use it from now on (no restart needed).\n`);

  const result = await verifyWithCa(target, cert.pem, timeoutMs);
  if (result.ok) {
    process.stdout.write(`Verified: a TLS connection to ${target.display} trusting only ${file} succeeds.\n`);
    return 0;
  }
  process.stderr.write(`ferry registry trust: verification with ${file} failed: ${explain(target, result.code, result.message, file)}\n`);
  return 1;
}
