// proxyFor with the environment passed explicitly, so that the machine's own proxy settings
// cannot change the outcome.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { proxyFor, type ProxyEnv } from './proxy.ts';

function href(scheme: 'http' | 'https', host: string, env: ProxyEnv): string | undefined {
  return proxyFor(scheme, host, env)?.href;
}

describe('which variable applies', () => {
  test('https uses HTTPS_PROXY, http uses HTTP_PROXY; neither falls back to the other', () => {
    const env = { HTTPS_PROXY: 'http://secure-proxy:3128', HTTP_PROXY: 'http://plain-proxy:3128' };
    assert.equal(href('https', 'reg.example.com', env), 'http://secure-proxy:3128/');
    assert.equal(href('http', 'reg.example.com', env), 'http://plain-proxy:3128/');
    assert.equal(href('http', 'reg.example.com', { HTTPS_PROXY: 'http://secure-proxy:3128' }), undefined);
    assert.equal(href('https', 'reg.example.com', { HTTP_PROXY: 'http://plain-proxy:3128' }), undefined);
  });

  test('lowercase variables work; uppercase wins when both are set', () => {
    assert.equal(href('https', 'reg.example.com', { https_proxy: 'http://lower:1' }), 'http://lower:1/');
    assert.equal(href('http', 'reg.example.com', { http_proxy: 'http://lower:2' }), 'http://lower:2/');
    assert.equal(href('https', 'reg.example.com', { HTTPS_PROXY: 'http://upper:1', https_proxy: 'http://lower:1' }), 'http://upper:1/');
  });

  test('no variable, an empty one, or an unparsable one means a direct connection', () => {
    assert.equal(href('https', 'reg.example.com', {}), undefined);
    assert.equal(href('https', 'reg.example.com', { HTTPS_PROXY: '' }), undefined);
    assert.equal(href('https', 'reg.example.com', { HTTPS_PROXY: 'http://[bad' }), undefined);
  });

  test('a proxy without a scheme is an http:// proxy; user info is kept for Proxy-Authorization', () => {
    assert.equal(href('https', 'reg.example.com', { HTTPS_PROXY: 'proxy.corp:3128' }), 'http://proxy.corp:3128/');
    const p = proxyFor('https', 'reg.example.com', { HTTPS_PROXY: 'http://user:p%40ss@proxy.corp:3128' });
    assert.equal(p?.username, 'user');
    assert.equal(decodeURIComponent(p?.password ?? ''), 'p@ss');
  });

  test('the default environment is process.env', () => {
    // Whatever the machine has, passing process.env explicitly must agree with the default.
    assert.equal(proxyFor('https', 'reg.example.com')?.href, proxyFor('https', 'reg.example.com', process.env)?.href);
  });
});

describe('NO_PROXY', () => {
  const proxy = 'http://proxy.corp:3128';
  const bypasses = (host: string, noProxy: string, scheme: 'http' | 'https' = 'https'): boolean =>
    proxyFor(scheme, host, { HTTPS_PROXY: proxy, HTTP_PROXY: proxy, NO_PROXY: noProxy }) === undefined;

  test('* bypasses everything', () => {
    assert.equal(bypasses('reg.example.com', '*'), true);
    assert.equal(bypasses('10.1.2.3:5000', 'other.example, *'), true);
  });

  test('example.com covers the domain and its subdomains, not look-alikes', () => {
    assert.equal(bypasses('example.com', 'example.com'), true);
    assert.equal(bypasses('reg.example.com', 'example.com'), true);
    assert.equal(bypasses('a.reg.example.com:5000', 'example.com'), true);
    assert.equal(bypasses('badexample.com', 'example.com'), false);
    assert.equal(bypasses('example.com.evil.net', 'example.com'), false);
  });

  test('.example.com and *.example.com cover subdomains', () => {
    assert.equal(bypasses('reg.example.com', '.example.com'), true);
    assert.equal(bypasses('reg.example.com', '*.example.com'), true);
    assert.equal(bypasses('badexample.com', '.example.com'), false);
    assert.equal(bypasses('badexample.com', '*.example.com'), false);
  });

  test('entries are trimmed and case-insensitive; empty entries are ignored', () => {
    assert.equal(bypasses('REG.Example.COM', ' , Example.com ,'), true);
    assert.equal(bypasses('reg.example.com', ' , '), false);
  });

  test('an entry with a port matches only that port; the scheme default port counts', () => {
    assert.equal(bypasses('reg.example.com:5000', 'reg.example.com:5000'), true);
    assert.equal(bypasses('reg.example.com:5001', 'reg.example.com:5000'), false);
    assert.equal(bypasses('reg.example.com', 'reg.example.com:443'), true);
    assert.equal(bypasses('reg.example.com', 'reg.example.com:443', 'http'), false);
    assert.equal(bypasses('reg.example.com', 'reg.example.com:80', 'http'), true);
    assert.equal(bypasses('reg.example.com:5000', 'reg.example.com'), true, 'an entry without a port covers every port');
  });

  test('IP addresses, with and without ports', () => {
    assert.equal(bypasses('127.0.0.1:5000', '127.0.0.1'), true);
    assert.equal(bypasses('127.0.0.1:5000', '127.0.0.1:5000'), true);
    assert.equal(bypasses('127.0.0.1:5000', '127.0.0.1:6000'), false);
    assert.equal(bypasses('127.0.0.2:5000', '127.0.0.1'), false);
  });

  test('IPv6: bracketed or bare entries, with a port only in brackets', () => {
    assert.equal(bypasses('[::1]:5000', '[::1]'), true);
    assert.equal(bypasses('[::1]:5000', '[::1]:5000'), true);
    assert.equal(bypasses('[::1]:5000', '[::1]:6000'), false);
    assert.equal(bypasses('[::1]:5000', '::1'), true);
    assert.equal(bypasses('[fd00::5000]', 'fd00::5000'), true);
    assert.equal(bypasses('[fd00::1]:5000', 'fd00::5000'), false);
    assert.equal(bypasses('[::2]:5000', '::1'), false);
  });

  test('no_proxy (lowercase) is read when NO_PROXY is not set', () => {
    assert.equal(proxyFor('https', 'reg.example.com', { HTTPS_PROXY: proxy, no_proxy: 'example.com' }), undefined);
    assert.equal(proxyFor('https', 'reg.example.com', { HTTPS_PROXY: proxy, NO_PROXY: 'other.com', no_proxy: 'example.com' })?.href, `${proxy}/`);
  });
});
