// Keeps the parts of ARCHITECTURE.md apart: `image` knows nothing of any other Ferry part
// (nor of Kubernetes), and only the CLI may reach into every part.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { test } from 'node:test';

const root = resolve(import.meta.dirname, '..');
const src = join(root, 'src');

// part -> parts it may import. Parts not yet written are listed so the rule is set before the code.
const ALLOWED: Record<string, string[]> = {
  image: [],
  api: [],
  storage: [],
  apiserver: ['api', 'storage'],
  client: ['api'],
  controllers: ['client', 'api'],
  node: ['client', 'api', 'image'],
  console: ['api'],
  cli: ['image', 'api', 'storage', 'apiserver', 'client', 'controllers', 'node'],
};
// npm packages each part may use (node: built-ins are allowed except in the browser's parts).
const PACKAGES: Record<string, string[]> = {
  image: ['smol-toml'],
  console: ['react', 'react-dom', 'yaml', 'vite', '@vitejs/plugin-react'],
};
// Parts that also run in a browser (the console bundles `api`), so may not use node: built-ins.
const BROWSER_PARTS = new Set(['api', 'console']);
// Build configuration runs in Node, not in the browser bundle.
const NODE_ONLY = new Set(['src/console/vite.config.ts']);

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (p.endsWith('.ts') || p.endsWith('.tsx')) yield p;
  }
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"`;]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    out.push((m[1] ?? m[2]) as string);
  }
  return out;
}

test('each part imports only the parts it may', () => {
  const violations: string[] = [];
  for (const file of files(src)) {
    const part = relative(src, file).split(sep)[0] as string;
    const allowed = ALLOWED[part];
    assert.ok(allowed, `src/${part} is not a part named in ARCHITECTURE.md; add it to this test's table`);
    for (const spec of importsOf(file)) {
      if (spec.startsWith('node:')) {
        const rel = relative(root, file).split(sep).join('/');
        if (BROWSER_PARTS.has(part) && !file.endsWith('.test.ts') && !NODE_ONLY.has(rel) && !rel.startsWith('src/api/openapi/') && !rel.startsWith('src/api/protobuf/')) {
          violations.push(`${rel} imports ${spec}, but ${part} runs in the browser too`);
        }
        continue;
      }
      if (spec.startsWith('.')) {
        const target = relative(src, resolve(file, '..', spec)).split(sep)[0] as string;
        if (target !== part && !allowed.includes(target)) violations.push(`${relative(root, file)} imports ${spec} (part ${target})`);
      } else if (!file.endsWith('.test.ts')) {
        const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] as string);
        const pkgs = PACKAGES[part];
        if (pkgs !== undefined && !pkgs.includes(pkg)) violations.push(`${relative(root, file)} imports package ${pkg}`);
      }
    }
  }
  assert.deepEqual(violations, []);
});

test('the boundary check sees imports it must police', () => {
  const sample = join(src, 'image', 'registry', 'client.ts');
  assert.ok(importsOf(sample).includes('./authorizer.ts'));
  const tsx = join(src, 'console', 'app.tsx');
  assert.ok([...files(join(src, 'console'))].includes(tsx));
  assert.ok(importsOf(tsx).includes('./api/client.ts'));
});
