// `ferry secret generate`: an image pull Secret manifest for `kubectl apply -f`, like
// `kubectl create secret docker-registry --dry-run=client -o yaml` but without a cluster and
// without the password on the command line. Also takes the flags of the cloud's
// imagepull-secret-generator, so its documented command line works here as is.

import { randomBytes } from 'node:crypto';
import { link, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { normalizeServer, renderManifest, secretManifest, validateName, validateNamespace, type OutputFormat } from './secret-manifest.ts';
import { PASSWORD_ENV, passwordSource, readPassword } from './secret-password.ts';
import { parse, UsageError } from './usage.ts';

const HELP = `Usage: ferry secret generate --server HOST[:PORT] --username USER --name NAME [options]

Writes a kubernetes.io/dockerconfigjson Secret (the payload \`kubectl create secret docker-registry\`
writes) to stdout or a file, for \`kubectl apply -f\` and \`ferry pull --auth-file\`.

  --server HOST[:PORT]    registry address (alias --swr-address)
  --username USER         registry user (alias --private-user)
  --password-stdin        read the password from stdin (a terminal is read without echo)
                          default: the password is taken from $${PASSWORD_ENV}
  --password PASSWORD     (alias --private-password) discouraged: visible in the process list
  --email EMAIL           stored with the login, as kubectl's --docker-email
  --name NAME             Secret name, a DNS-1123 subdomain (alias --secret-name)
  --namespace NS          metadata.namespace (default "default")
  --output yaml|json      manifest format (default yaml; json when the output file ends in .json)
  --output-file PATH      write here, mode 0600, atomically (alias --output-file-path)
  --force                 replace an existing output file

Accepted and explained, not used: --ak, --sk, --project-name (cloud account login).
`;

// The cloud tool's flags that only mean something with a cloud account. Values are never shown.
const CLOUD_FLAGS: Record<string, string> = {
  ak: 'the access key ID of the cloud account',
  sk: 'the secret access key paired with --ak',
  'project-name': 'the cloud project (region, e.g. cn-north-4) whose registry login to derive',
};

export async function secretCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'generate') return generate(rest);
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    process.stdout.write(HELP);
    return sub === undefined ? 2 : 0;
  }
  throw new UsageError(`unknown subcommand "${sub}"; try: ferry secret generate --help`);
}

async function generate(args: string[]): Promise<number> {
  const { values } = parse(
    args,
    {
      server: { type: 'string' },
      'swr-address': { type: 'string' },
      username: { type: 'string' },
      'private-user': { type: 'string' },
      password: { type: 'string' },
      'private-password': { type: 'string' },
      'password-stdin': { type: 'boolean' },
      email: { type: 'string' },
      name: { type: 'string' },
      'secret-name': { type: 'string' },
      namespace: { type: 'string' },
      output: { type: 'string', short: 'o' },
      'output-file': { type: 'string' },
      'output-file-path': { type: 'string' },
      force: { type: 'boolean' },
      ak: { type: 'string' },
      sk: { type: 'string' },
      'project-name': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    false,
  );
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }

  const cloud = Object.keys(CLOUD_FLAGS).filter((flag) => values[flag as keyof typeof values] !== undefined);
  if (cloud.length > 0) {
    const listed = cloud.map((flag) => `--${flag} (${CLOUD_FLAGS[flag]})`).join(', ');
    process.stderr.write(
      `ferry secret generate: note: ${listed}: accepted for the cloud's imagepull-secret-generator command line. ` +
        'On the cloud, --ak/--sk/--project-name sign in to the cloud account and derive a temporary registry login from it; ' +
        'Ferry has no cloud account to derive one from, so they are ignored (and not stored) and the registry username ' +
        'and password you give are used instead.\n',
    );
  }

  const rawServer = pick(values.server, values['swr-address'], '--server', '--swr-address');
  const username = pick(values.username, values['private-user'], '--username', '--private-user');
  const inline = pick(values.password, values['private-password'], '--password', '--private-password');
  const name = pick(values.name, values['secret-name'], '--name', '--secret-name');
  const outputFile = pick(values['output-file'], values['output-file-path'], '--output-file', '--output-file-path');
  const flags = { inline, stdin: values['password-stdin'] === true };
  const source = passwordSource(flags, process.env);

  if (cloud.length > 0 && (username === undefined || source === undefined)) {
    throw new UsageError(
      `${cloud.map((f) => `--${f}`).join(', ')} cannot log in here (Ferry has no cloud account); give the registry login instead: ` +
        `--username (or --private-user) and the password via --password-stdin, $${PASSWORD_ENV} or --private-password`,
    );
  }
  if (rawServer === undefined) throw new UsageError('--server is required: the registry address as host[:port], e.g. --server registry.example.com:5000');
  if (username === undefined) throw new UsageError('--username is required: the registry user the kubelet logs in as');
  if (username.includes(':')) throw new UsageError('--username must not contain ":"; the registry login "user:password" could not be split back');
  if (source === undefined) {
    throw new UsageError(`no password given: pipe it to --password-stdin, or set $${PASSWORD_ENV} (or, visible to other users, --password)`);
  }
  if (name === undefined) throw new UsageError('--name is required: the Secret name pods list in imagePullSecrets, e.g. --name regcred');
  validateName(name);
  const namespace = values.namespace ?? 'default';
  validateNamespace(namespace);
  const format = outputFormat(values.output, outputFile);
  if (values.force === true && outputFile === undefined) throw new UsageError('--force only applies with --output-file');

  const { server, note } = normalizeServer(rawServer);
  if (note !== undefined) process.stderr.write(`ferry secret generate: note: ${note}\n`);
  if (source === 'flag') {
    process.stderr.write(
      'ferry secret generate: warning: a password given with --password/--private-password is visible to other users in ' +
        `the process list and stays in shell history; prefer --password-stdin or $${PASSWORD_ENV}\n`,
    );
  }

  const password = await readPassword(source, flags, process.env);
  const text = await renderManifest(
    secretManifest({ name, namespace, server, username, password, email: values.email ?? '' }),
    format,
  );
  if (outputFile === undefined) {
    process.stdout.write(text);
    return 0;
  }
  await writePrivateFile(outputFile, text, values.force === true);
  process.stderr.write(`ferry secret generate: wrote Secret ${namespace}/${name} to ${outputFile}; apply it with: kubectl apply -f ${outputFile}\n`);
  return 0;
}

/** A Ferry flag and its cloud-tool alias: either may be given, or both with the same value. */
function pick(own: string | undefined, alias: string | undefined, ownFlag: string, aliasFlag: string): string | undefined {
  if (own !== undefined && alias !== undefined && own !== alias) {
    throw new UsageError(`${ownFlag} and ${aliasFlag} are the same setting with different values; give one`);
  }
  return own ?? alias;
}

function outputFormat(output: string | undefined, file: string | undefined): OutputFormat {
  if (output === undefined) return file?.toLowerCase().endsWith('.json') === true ? 'json' : 'yaml';
  if (output === 'yaml' || output === 'json') return output;
  throw new UsageError(`--output must be yaml or json, not ${JSON.stringify(output)}`);
}

/**
 * Writes to a 0600 temporary file next to the target, then links it into place (fails if the
 * target exists: no check-then-write race) or, with --force, renames over it. A reader never sees
 * a partial file and the password is never in a file others can read, whatever the umask.
 */
async function writePrivateFile(path: string, text: string, force: boolean): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  let handle;
  try {
    handle = await open(tmp, 'wx', 0o600);
  } catch (err) {
    throw new UsageError(`cannot write in ${dirname(path)} for --output-file (${(err as NodeJS.ErrnoException).code ?? 'error'}); check the directory exists and is writable`);
  }
  try {
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (force) {
      await rename(tmp, path);
      return;
    }
    try {
      await link(tmp, path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new UsageError(`${path} already exists; add --force to replace it`);
      throw new UsageError(`cannot create ${path} (${code ?? 'error'})`);
    }
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await unlink(tmp);
}
