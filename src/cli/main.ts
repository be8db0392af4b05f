// The `ferry` command. Each subcommand lives in its own file; this one only dispatches and
// turns errors into a message and an exit code.
import { isImageError } from '../image/errors.ts';
import { UsageError } from './usage.ts';

const HELP = `Usage: ferry <command> [options]

Commands:
  server          run the API server with its embedded store (see ferry server --help)
  kubeconfig      print the admin kubeconfig of a server's data directory
  node            run a node agent that joins a cluster (see ferry node --help)
  pull IMAGE      pull an image into the content store (see ferry pull --help)
  push SRC DEST   push a stored image to a registry, digests kept (see ferry push --help)
  images          list pulled images
  rmi IMAGE...    remove image references
  prune           remove blobs and snapshots no image references
  secret generate write an image pull Secret manifest (see ferry secret generate --help)
  registry trust HOST[:PORT]  show a registry's certificate chain and trust its CA (see --help)

Global: --data-dir DIR (default $FERRY_DATA_DIR, else ~/.local/share/ferry)
`;

// Loaded on demand: a command start pays only for the modules that command uses.
const COMMANDS: Record<string, () => Promise<(args: string[]) => Promise<number>>> = {
  server: async () => (await import('./server-command.ts')).serverCommand,
  kubeconfig: async () => (await import('./server-command.ts')).kubeconfigCommand,
  node: async () => (await import('./node-command.ts')).nodeCommand,
  pull: async () => (await import('./pull-command.ts')).pullCommand,
  push: async () => (await import('./push-command.ts')).pushCommand,
  images: async () => (await import('./images-command.ts')).imagesCommand,
  rmi: async () => (await import('./images-command.ts')).rmiCommand,
  prune: async () => (await import('./images-command.ts')).pruneCommand,
  secret: async () => (await import('./secret-command.ts')).secretCommand,
  registry: async () => (await import('./registry-trust-command.ts')).registryCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(HELP);
    return name === undefined ? 2 : 0;
  }
  const load = COMMANDS[name];
  if (load === undefined) {
    process.stderr.write(`ferry: unknown command "${name}"\n\n${HELP}`);
    return 2;
  }
  try {
    return await (await load())(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`ferry ${name}: ${err.message}\n`);
      return 2;
    }
    if (isImageError(err)) {
      process.stderr.write(`ferry ${name}: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}

if (import.meta.main) {
  // bin/ferry.js does this before loading anything; run directly, the commands still benefit.
  const cache = (await import('node:module')).enableCompileCache?.();
  if (cache?.directory && !process.env.NODE_COMPILE_CACHE) process.env.NODE_COMPILE_CACHE = cache.directory;
  process.exitCode = await main(process.argv.slice(2));
}
