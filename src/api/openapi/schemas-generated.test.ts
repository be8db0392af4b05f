// schemas.json is generated source: re-running the generator must give the committed bytes.
// The generator runs as a child process because src/ may not import from scripts/.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(import.meta.dirname, '..', '..', '..');

test('schemas.json is what scripts/gen-openapi-schemas.ts writes', () => {
  const generated = execFileSync(process.execPath, [join(root, 'scripts', 'gen-openapi-schemas.ts'), '--stdout'], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  const committed = readFileSync(join(import.meta.dirname, 'schemas.json'), 'utf8');
  assert.ok(generated.length > 100_000, 'the generator printed the document');
  assert.ok(generated === committed, 'schemas.json is stale: run node scripts/gen-openapi-schemas.ts');
});
