#!/usr/bin/env node
// Ferry runs on the Node.js the project pins (package.json "node" dependency). When this file
// is started by an older system node (a shell that does not have node_modules/.bin first on
// PATH), re-run the CLI on the pinned one instead of failing on syntax or missing built-ins.
import { spawnSync } from 'node:child_process';
import module, { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const major = Number(process.versions.node.split('.')[0]);
if (major >= 24) {
  // Caches V8 code and the type-stripped source between runs: a later start skips stripping,
  // which saves ~30 MB of memory and a few tens of milliseconds per command. Worker threads
  // (hashing, unpacking) only see the cache through the environment variable.
  const cache = module.enableCompileCache?.();
  if (cache?.directory && !process.env.NODE_COMPILE_CACHE) process.env.NODE_COMPILE_CACHE = cache.directory;
  const { main } = await import('../src/cli/main.ts');
  process.exitCode = await main(process.argv.slice(2));
} else {
  let pinned;
  try {
    pinned = createRequire(import.meta.url).resolve('node/bin/node');
  } catch {
    console.error(`ferry: needs Node.js 24 or newer (this is ${process.version}); run 'npm install' in the Ferry checkout to fetch the pinned runtime`);
    process.exit(1);
  }
  const r = spawnSync(pinned, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
