// Where `ferry secret generate` gets the registry password. Stdin and the environment keep it out of
// the process list and shell history; a terminal is read without echo. The password is returned,
// never printed: only the Secret's data carries it.

import { Buffer } from 'node:buffer';
import { UsageError } from './usage.ts';

export const PASSWORD_ENV = 'FERRY_REGISTRY_PASSWORD';

export interface PasswordFlags {
  /** --password or --private-password; visible to `ps`, so the caller warns. */
  inline: string | undefined;
  stdin: boolean;
}

export type PasswordSource = 'stdin' | 'env' | 'flag';

export function passwordSource(flags: PasswordFlags, env: NodeJS.ProcessEnv): PasswordSource | undefined {
  if (flags.stdin && flags.inline !== undefined) {
    throw new UsageError('give the password one way: --password-stdin or --password/--private-password, not both');
  }
  if (flags.stdin) return 'stdin';
  if (flags.inline !== undefined) return 'flag';
  return env[PASSWORD_ENV] !== undefined ? 'env' : undefined;
}

export async function readPassword(source: PasswordSource, flags: PasswordFlags, env: NodeJS.ProcessEnv): Promise<string> {
  const password = source === 'flag' ? (flags.inline ?? '') : source === 'env' ? (env[PASSWORD_ENV] ?? '') : await readStdinPassword();
  if (password === '') {
    const where = source === 'flag' ? '--password' : source === 'env' ? `$${PASSWORD_ENV}` : 'stdin';
    throw new UsageError(`the password from ${where} is empty; a registry login needs one`);
  }
  return password;
}

async function readStdinPassword(): Promise<string> {
  const stdin = process.stdin;
  if (stdin.isTTY) return promptHidden();
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(chunk as Buffer);
  // As `docker login --password-stdin`: one trailing newline (from echo or a file) is not part of it.
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** A terminal on stdin: prompt on stderr and read one line with echo off (raw mode). */
function promptHidden(): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write('Password: ');
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (err?: Error): void => {
      stdin.setRawMode(false);
      stdin.off('data', onData);
      stdin.pause();
      process.stderr.write('\n');
      if (err === undefined) resolve(typed);
      else reject(err);
    };
    const onData = (text: string): void => {
      for (const ch of text) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish();
        if (ch === '\u0003') return finish(new UsageError('interrupted'));
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    stdin.on('data', onData);
    stdin.resume();
  });
}
