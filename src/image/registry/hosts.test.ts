// resolveEndpoints against certs.d trees in temp dirs. hosts.ts only reads the files, so the
// "PEM" contents are marker strings: what is asserted is which file ended up where.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ErrorCode, ImageError } from '../errors.ts';
import { resolveEndpoints, type RegistryEndpoint } from './hosts.ts';

let root: string;
let n = 0;

before(() => {
  root = mkdtempSync(join(tmpdir(), 'ferry-hosts-test-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

/** A fresh certs.d dir holding `files` (path relative to the certs dir -> contents). */
function certsDir(files: Record<string, string>): string {
  const dir = join(root, `certs-${++n}`);
  mkdirSync(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

function only(eps: RegistryEndpoint[]): RegistryEndpoint {
  assert.equal(eps.length, 1, JSON.stringify(eps));
  return eps[0] as RegistryEndpoint;
}

async function rejectsWith(p: Promise<unknown>, ...fragments: string[]): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ImageError, `expected ImageError, got ${String(err)}`);
    assert.equal(err.code, ErrorCode.InvalidArgument);
    for (const f of fragments) assert.ok(err.message.includes(f), `"${err.message}" should mention "${f}"`);
    return true;
  });
}

describe('without configuration', () => {
  test('one HTTPS endpoint with every capability and verification on', async () => {
    const ep = only(await resolveEndpoints('reg.example.com:5000'));
    assert.deepEqual(ep, {
      scheme: 'https',
      host: 'reg.example.com:5000',
      apiRoot: '/v2',
      capabilities: { pull: true, resolve: true, push: true },
      tls: { ca: [], verify: true },
      headers: {},
      mirror: false,
      httpFallback: false,
      source: 'defaults',
    });
  });

  test('docker.io is served at registry-1.docker.io and is not a mirror of itself', async () => {
    const ep = only(await resolveEndpoints('docker.io'));
    assert.equal(ep.host, 'registry-1.docker.io');
    assert.equal(ep.mirror, false);
  });

  test('a certs dir without a directory for the host changes nothing', async () => {
    const dir = certsDir({ 'other.example.com/ca.crt': 'OTHER' });
    const ep = only(await resolveEndpoints('reg.example.com', { certsDir: dir }));
    assert.deepEqual(ep.tls, { ca: [], verify: true });
    assert.equal(ep.source, 'defaults');
  });
});

describe('plain-http and insecure lists', () => {
  test('plain-http makes the endpoint http; insecure turns off verification and allows falling back to HTTP', async () => {
    const plain = only(await resolveEndpoints('reg.example.com', { plainHttp: ['reg.example.com'] }));
    assert.equal(plain.scheme, 'http');
    assert.equal(plain.httpFallback, false);
    const insecure = only(await resolveEndpoints('reg.example.com', { insecure: ['reg.example.com'] }));
    assert.equal(insecure.scheme, 'https');
    assert.equal(insecure.tls.verify, false);
    assert.equal(insecure.httpFallback, true);
  });

  test('a host:port entry covers only that port, a bare host only the portless name', async () => {
    const settings = { plainHttp: ['reg.example.com:5000'], insecure: ['other.example.com'] };
    assert.equal(only(await resolveEndpoints('reg.example.com:5000', settings)).scheme, 'http');
    assert.equal(only(await resolveEndpoints('reg.example.com:5001', settings)).scheme, 'https');
    assert.equal(only(await resolveEndpoints('reg.example.com', settings)).scheme, 'https');
    assert.equal(only(await resolveEndpoints('other.example.com', settings)).tls.verify, false);
    assert.equal(only(await resolveEndpoints('other.example.com:443', settings)).tls.verify, true);
  });

  test('*.example.com covers subdomains, not the domain itself', async () => {
    const settings = { insecure: ['*.example.com'] };
    assert.equal(only(await resolveEndpoints('a.example.com', settings)).tls.verify, false);
    assert.equal(only(await resolveEndpoints('a.b.example.com', settings)).tls.verify, false);
    assert.equal(only(await resolveEndpoints('example.com', settings)).tls.verify, true);
    assert.equal(only(await resolveEndpoints('a.example.com:5000', settings)).tls.verify, true);
    assert.equal(only(await resolveEndpoints('badexample.com', settings)).tls.verify, true);
  });
});

describe('Docker-style certs.d', () => {
  test('*.crt files are extra CAs, in name order', async () => {
    const dir = certsDir({ 'reg.example.com/b.crt': 'CA-B', 'reg.example.com/a.crt': 'CA-A', 'reg.example.com/notes.txt': 'x' });
    const ep = only(await resolveEndpoints('reg.example.com', { certsDir: dir }));
    assert.deepEqual(ep.tls.ca, ['CA-A', 'CA-B']);
    assert.equal(ep.tls.cert, undefined);
    assert.equal(ep.source, join(dir, 'reg.example.com'));
  });

  test('the directory is named host:port; a portless directory does not cover a port', async () => {
    const dir = certsDir({ 'reg.example.com:5000/ca.crt': 'PORT-CA', 'reg.example.com/ca.crt': 'PLAIN-CA' });
    assert.deepEqual(only(await resolveEndpoints('reg.example.com:5000', { certsDir: dir })).tls.ca, ['PORT-CA']);
    assert.deepEqual(only(await resolveEndpoints('reg.example.com', { certsDir: dir })).tls.ca, ['PLAIN-CA']);
    assert.deepEqual(only(await resolveEndpoints('reg.example.com:5001', { certsDir: dir })).tls.ca, []);
  });

  test('_default is used only when the host has no directory of its own', async () => {
    const dir = certsDir({ '_default/ca.crt': 'DEFAULT-CA', 'own.example.com/ca.crt': 'OWN-CA' });
    assert.deepEqual(only(await resolveEndpoints('any.example.com', { certsDir: dir })).tls.ca, ['DEFAULT-CA']);
    assert.deepEqual(only(await resolveEndpoints('own.example.com', { certsDir: dir })).tls.ca, ['OWN-CA']);
  });

  test('a .cert/.key pair is the client certificate', async () => {
    const dir = certsDir({ 'reg.example.com/client.cert': 'CERT', 'reg.example.com/client.key': 'KEY', 'reg.example.com/ca.crt': 'CA' });
    const ep = only(await resolveEndpoints('reg.example.com', { certsDir: dir }));
    assert.deepEqual(ep.tls, { ca: ['CA'], cert: 'CERT', key: 'KEY', verify: true });
  });

  test('a .cert without its .key is an error naming both files', async () => {
    const dir = certsDir({ 'reg.example.com/client.cert': 'CERT', 'reg.example.com/other.key': 'KEY' });
    await rejectsWith(resolveEndpoints('reg.example.com', { certsDir: dir }), join(dir, 'reg.example.com', 'client.cert'), 'client.key');
  });

  test('an empty host directory is valid and yields the defaults', async () => {
    const dir = certsDir({});
    mkdirSync(join(dir, 'reg.example.com'));
    const ep = only(await resolveEndpoints('reg.example.com', { certsDir: dir }));
    assert.equal(ep.host, 'reg.example.com');
    assert.deepEqual(ep.tls, { ca: [], verify: true });
  });
});

describe('hosts.toml', () => {
  test('mirrors come first, in file order, then the server; mirrors are flagged', async () => {
    const dir = certsDir({
      'docker.io/hosts.toml': [
        'server = "https://registry-1.docker.io"',
        '[host."https://mirror-b.example.com"]',
        '  capabilities = ["pull", "resolve"]',
        '[host."https://mirror-a.example.com:8443"]',
        '  capabilities = ["pull"]',
      ].join('\n'),
    });
    const eps = await resolveEndpoints('docker.io', { certsDir: dir });
    assert.deepEqual(eps.map((e) => [e.host, e.mirror]), [
      ['mirror-b.example.com', true],
      ['mirror-a.example.com:8443', true],
      ['registry-1.docker.io', false],
    ]);
    assert.deepEqual(eps.map((e) => e.capabilities), [
      { pull: true, resolve: true, push: false },
      { pull: true, resolve: false, push: false },
      { pull: true, resolve: true, push: true },
    ]);
    assert.ok(eps.every((e) => e.source === join(dir, 'docker.io', 'hosts.toml')));
  });

  test('without server, the registry itself (registry-1.docker.io for docker.io) is the last endpoint', async () => {
    const dir = certsDir({
      'docker.io/hosts.toml': '[host."https://mirror.example.com"]\n',
      'reg.example.com:5000/hosts.toml': '[host."https://mirror.example.com"]\n',
    });
    const hub = await resolveEndpoints('docker.io', { certsDir: dir });
    assert.deepEqual(hub.map((e) => `${e.scheme}://${e.host}${e.apiRoot}`), ['https://mirror.example.com/v2', 'https://registry-1.docker.io/v2']);
    const own = await resolveEndpoints('reg.example.com:5000', { certsDir: dir });
    assert.deepEqual(own.map((e) => [e.host, e.mirror]), [['mirror.example.com', true], ['reg.example.com:5000', false]]);
  });

  test('a server elsewhere than the registry is treated as a mirror (gets ?ns=)', async () => {
    const dir = certsDir({ 'reg.example.com/hosts.toml': 'server = "https://elsewhere.example.com"\n' });
    const ep = only(await resolveEndpoints('reg.example.com', { certsDir: dir }));
    assert.equal(ep.host, 'elsewhere.example.com');
    assert.equal(ep.mirror, true);
  });

  test('http:// hosts are plain HTTP; a host without a scheme is HTTPS; paths sit before /v2', async () => {
    const dir = certsDir({
      'reg.example.com/hosts.toml': [
        'server = "http://reg.example.com"',
        '[host."http://127.0.0.1:5000"]',
        '[host."mirror.example.com/cache/"]',
      ].join('\n'),
    });
    const eps = await resolveEndpoints('reg.example.com', { certsDir: dir });
    assert.deepEqual(eps.map((e) => `${e.scheme}://${e.host}${e.apiRoot}`), [
      'http://127.0.0.1:5000/v2',
      'https://mirror.example.com/cache/v2',
      'http://reg.example.com/v2',
    ]);
  });

  test('override_path uses the URL path as the API root', async () => {
    const dir = certsDir({
      'reg.example.com/hosts.toml': [
        '[host."https://mirror.example.com/v2/proxy/reg"]',
        '  override_path = true',
        '[host."https://bare.example.com"]',
        '  override_path = true',
      ].join('\n'),
    });
    const eps = await resolveEndpoints('reg.example.com', { certsDir: dir });
    assert.deepEqual(eps.map((e) => e.apiRoot), ['/v2/proxy/reg', '/', '/v2']);
  });

  test('skip_verify turns off verification only where it is set', async () => {
    const dir = certsDir({
      'reg.example.com/hosts.toml': ['skip_verify = false', '[host."https://mirror.example.com"]', '  skip_verify = true'].join('\n'),
    });
    const eps = await resolveEndpoints('reg.example.com', { certsDir: dir });
    assert.deepEqual(eps.map((e) => e.tls.verify), [false, true]);
  });

  test('ca: relative to the host directory or absolute, string or list, added to the *.crt files', async () => {
    const dir = certsDir({
      'abs/elsewhere.pem': 'ABS-CA',
      'reg.example.com/dir.crt': 'DIR-CA',
      'reg.example.com/rel.pem': 'REL-CA',
      'reg.example.com/sub/two.pem': 'TWO-CA',
    });
    writeFileSync(
      join(dir, 'reg.example.com', 'hosts.toml'),
      [
        `ca = ${JSON.stringify(join(dir, 'abs', 'elsewhere.pem'))}`,
        '[host."https://mirror.example.com"]',
        `  ca = ["rel.pem", "sub/two.pem", ${JSON.stringify(join(dir, 'abs', 'elsewhere.pem'))}]`,
      ].join('\n'),
    );
    const [mirror, server] = await resolveEndpoints('reg.example.com', { certsDir: dir });
    assert.deepEqual(mirror?.tls.ca, ['DIR-CA', 'REL-CA', 'TWO-CA', 'ABS-CA']);
    assert.deepEqual(server?.tls.ca, ['DIR-CA', 'ABS-CA']);
  });

  test('a missing ca file is an error naming hosts.toml and the file', async () => {
    const dir = certsDir({ 'reg.example.com/hosts.toml': 'ca = "missing.pem"\n' });
    await rejectsWith(
      resolveEndpoints('reg.example.com', { certsDir: dir }),
      join(dir, 'reg.example.com', 'hosts.toml'),
      join(dir, 'reg.example.com', 'missing.pem'),
    );
  });

  test('client: one combined file, a list, or a [cert, key] pair', async () => {
    const dir = certsDir({
      'reg.example.com/combined.pem': 'COMBINED',
      'reg.example.com/c.pem': 'CERT',
      'reg.example.com/k.pem': 'KEY',
      'reg.example.com/hosts.toml': [
        'client = "combined.pem"',
        '[host."https://list.example.com"]',
        '  client = ["c.pem"]',
        '[host."https://pair.example.com"]',
        '  client = [["c.pem", "k.pem"]]',
      ].join('\n'),
    });
    const [list, pair, server] = await resolveEndpoints('reg.example.com', { certsDir: dir });
    // A lone file holds both the certificate and its key (containerd reads the key from the same PEM).
    assert.deepEqual([server?.tls.cert, server?.tls.key], ['COMBINED', 'COMBINED']);
    assert.deepEqual([list?.tls.cert, list?.tls.key], ['CERT', 'CERT']);
    assert.deepEqual([pair?.tls.cert, pair?.tls.key], ['CERT', 'KEY']);
  });

  test('client in hosts.toml wins over a Docker-style pair; without it the pair applies', async () => {
    const dir = certsDir({
      'reg.example.com/client.cert': 'DOCKER-CERT',
      'reg.example.com/client.key': 'DOCKER-KEY',
      'reg.example.com/c.pem': 'CERT',
      'reg.example.com/k.pem': 'KEY',
      'reg.example.com/hosts.toml': '[host."https://mirror.example.com"]\n  client = [["c.pem", "k.pem"]]\n',
    });
    const [mirror, server] = await resolveEndpoints('reg.example.com', { certsDir: dir });
    assert.deepEqual([mirror?.tls.cert, mirror?.tls.key], ['CERT', 'KEY']);
    assert.deepEqual([server?.tls.cert, server?.tls.key], ['DOCKER-CERT', 'DOCKER-KEY']);
  });

  test('[header] values are sent; a list is joined', async () => {
    const dir = certsDir({
      'reg.example.com/hosts.toml': [
        '[header]',
        '  x-server = "s"',
        '[host."https://mirror.example.com"]',
        '  [host."https://mirror.example.com".header]',
        '    x-custom = ["a", "b"]',
      ].join('\n'),
    });
    const [mirror, server] = await resolveEndpoints('reg.example.com', { certsDir: dir });
    assert.deepEqual(mirror?.headers, { 'x-custom': 'a, b' });
    assert.deepEqual(server?.headers, { 'x-server': 's' });
  });

  test('plain-http and insecure lists apply to the hosts of a hosts.toml too', async () => {
    const dir = certsDir({ 'reg.example.com/hosts.toml': '[host."https://mirror.example.com"]\n' });
    const eps = await resolveEndpoints('reg.example.com', { certsDir: dir, insecure: ['reg.example.com'] });
    assert.deepEqual(eps.map((e) => [e.scheme, e.tls.verify]), [['https', false], ['https', false]]);
  });

  test('_default/hosts.toml applies to any registry without its own directory', async () => {
    const dir = certsDir({ '_default/hosts.toml': '[host."https://cache.example.com"]\n  capabilities = ["pull"]\n' });
    const eps = await resolveEndpoints('quay.io', { certsDir: dir });
    assert.deepEqual(eps.map((e) => [e.host, e.mirror]), [['cache.example.com', true], ['quay.io', false]]);
  });

  test('invalid TOML is an ImageError naming the file', async () => {
    const dir = certsDir({ 'reg.example.com/hosts.toml': 'server = "https://x\n[host.\n' });
    await rejectsWith(resolveEndpoints('reg.example.com', { certsDir: dir }), join(dir, 'reg.example.com', 'hosts.toml'));
  });

  const wrongValues: [string, string][] = [
    ['ca = 5', '"ca"'],
    ['capabilities = "pull"', '"capabilities"'],
    ['capabilities = ["pull", "resolv"]', '"resolv"'],
    ['client = [["a", "b", "c"]]', '"client"'],
    ['skip_verify = "yes"', '"skip_verify"'],
    ['server = 1', '"server"'],
    ['host = "https://mirror.example.com"', '"host"'],
    ['[host."https://m.example.com"]\n  override_path = 1', 'host."https://m.example.com".override_path'],
    ['[header]\n  x = 1', '"header"'],
  ];
  for (const [toml, key] of wrongValues) {
    test(`a wrong value (${toml.replace(/\n\s*/g, ' ')}) is an ImageError naming the file and the key`, async () => {
      const dir = certsDir({ 'reg.example.com/hosts.toml': `${toml}\n` });
      await rejectsWith(resolveEndpoints('reg.example.com', { certsDir: dir }), join(dir, 'reg.example.com', 'hosts.toml'), key);
    });
  }

  test('capability names are case-insensitive, as in containerd', async () => {
    const dir = certsDir({ 'reg.example.com/hosts.toml': '[host."https://m.example.com"]\n  capabilities = ["Pull"]\n' });
    const [mirror] = await resolveEndpoints('reg.example.com', { certsDir: dir });
    assert.deepEqual(mirror?.capabilities, { pull: true, resolve: false, push: false });
  });

  test('the registry named with capitals is still the server, not a mirror of itself', async () => {
    const dir = certsDir({ 'Reg.Example.com/hosts.toml': '[host."https://m.example.com"]\n' });
    const eps = await resolveEndpoints('Reg.Example.com', { certsDir: dir });
    assert.deepEqual(eps.map((e) => [e.host, e.mirror]), [['m.example.com', true], ['reg.example.com', false]]);
  });

  test('a hosts.toml that exists but cannot be read is an error, not ignored', async () => {
    const dir = certsDir({});
    mkdirSync(join(dir, 'reg.example.com', 'hosts.toml'), { recursive: true });
    await rejectsWith(resolveEndpoints('reg.example.com', { certsDir: dir }), join(dir, 'reg.example.com', 'hosts.toml'));
  });

  test('a host URL with another scheme is refused', async () => {
    const dir = certsDir({ 'reg.example.com/hosts.toml': '[host."ftp://mirror.example.com"]\n' });
    await rejectsWith(resolveEndpoints('reg.example.com', { certsDir: dir }), 'ftp://mirror.example.com', 'http or https');
  });
});
