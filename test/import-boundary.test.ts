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
// npm packages each part may use (node: built-ins are always allowed).
const PACKAGES: Record<string, string[]> = {
  image: ['smol-toml'],
};

function* files(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (p.endsWith('.ts')) yield p;
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
      if (spec.startsWith('node:')) continue;
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
});
