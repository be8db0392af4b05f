// The web console end to end in Debian's Chromium (issue 6): sign in with the admin token, create
// an image pull secret through the dialog, create a Deployment through the form for an image in a
// password-protected registry, watch it reach 1/1 Running, read its logs, see a wrong password's
// failing pull in the events, and act on workloads. Screenshots go to test-artifacts/console/.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { get } from 'node:https';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ensureConsoleBuilt, launchBrowser, openPage, resetArtifacts, screenshot } from './fixtures/browser.ts';
import type { ConsolePage } from './fixtures/browser.ts';
import { startTestControlPlane } from './fixtures/control-plane.ts';
import type { TestControlPlane } from './fixtures/control-plane.ts';
import { busyboxImage, publishImage, startRegistry } from './fixtures/index.ts';
import type { RunningRegistry } from './fixtures/index.ts';
import { stopAgentsAndContainers } from './node-agent-support.ts';

const USER = 'janedoe';
const PASSWORD = 's3cret-pass';
let registry: RunningRegistry;
let cp: TestControlPlane;
let browser: Browser;
let tab: ConsolePage;
let page: Page;
let base: string;

async function until<T>(what: string, check: () => Promise<T | undefined | false>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}${last === undefined ? '' : `: ${String(last)}`}`);
}

/** A GET as any client: the admin token, trusting the control plane's CA. */
function api<T>(path: string): Promise<T> {
  return new Promise((resolve, reject) => {
    get(`${base}${path}`, { ca: cp.plane.files.caCert, headers: { Authorization: `Bearer ${cp.plane.files.token}` } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(body) as T) : reject(new Error(`GET ${path}: ${res.statusCode ?? 0} ${body}`))));
    }).on('error', reject);
  });
}

/** The focused element's id, or its text when it has none (these tests run without the DOM types). */
async function focused(): Promise<string> {
  return (await page.evaluate('document.activeElement?.id || document.activeElement?.textContent || ""')) as string;
}

/**
 * Console errors the test did not cause on purpose: the wrong token (401) and the taken name (409)
 * are refused by design, and other tests' node agents add network interfaces while this runs, on
 * which Chromium drops requests (ERR_NETWORK_CHANGED; the console retries reads and watches).
 */
function unexpected(problem: string): boolean {
  return !/status of (401|409)\b|ERR_NETWORK_CHANGED/.test(problem);
}

/** page.goto, again when Chromium dropped it for a network change another test caused. */
async function open(p: Page, url: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await p.goto(url);
      return;
    } catch (err) {
      if (attempt >= 5 || !String(err).includes('ERR_NETWORK_CHANGED')) throw err;
      await sleep(500);
    }
  }
}

async function signIn(p: Page): Promise<void> {
  await open(p, `${base}/`);
  await p.getByLabel('Token').fill(cp.plane.files.token);
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.getByRole('heading', { name: 'Workloads', level: 1 }).waitFor();
}

async function createSecret(name: string, password: string): Promise<void> {
  await page.getByRole('link', { name: 'Secrets', exact: true }).click();
  await page.getByRole('button', { name: 'Create Secret' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create Secret' });
  await dialog.getByLabel('Name', { exact: true }).fill(name);
  await dialog.getByLabel('Image Repository Address').fill(registry.host);
  await dialog.getByLabel('Username').fill(USER);
  await dialog.getByLabel('Password', { exact: true }).fill(password);
  await dialog.getByRole('button', { name: 'Create' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.getByRole('row', { name: new RegExp(`^${name} `) }).waitFor();
}

async function createDeployment(name: string, secret: string, shot?: string): Promise<void> {
  await page.getByRole('link', { name: 'Workloads', exact: true }).click();
  await page.getByRole('link', { name: 'Create Workload' }).click();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Image', { exact: true }).fill(`${registry.host}/janedoe/awesomeapp:v1`);
  await page.getByLabel(secret, { exact: true }).check();
  await page.getByLabel('Image pull policy').selectOption('Always');
  const yaml = page.getByLabel('The manifest that will be created');
  const text = await until('the YAML view', async () => {
    const t = (await yaml.textContent()) ?? '';
    return t.includes(`- name: ${secret}`) ? t : undefined;
  });
  assert.match(text, new RegExp(`matchLabels:\\n\\s+app: ${name}\\n`), 'plain YAML, no anchors');
  if (shot !== undefined) await screenshot(page, shot);
  await page.getByRole('button', { name: 'Create', exact: true }).click();
  await page.getByRole('heading', { name: new RegExp(`^${name}`), level: 1 }).waitFor();
}

before(async () => {
  ensureConsoleBuilt();
  resetArtifacts();
  registry = await startRegistry({ tls: true, auth: { htpasswd: { [USER]: PASSWORD } } });
  await publishImage(registry, 'janedoe/awesomeapp:v1', busyboxImage(['sh', '-c', 'echo awesome app up; sleep 3600']));
  // No pod network namespaces: the app needs none, and every veth a node adds makes Chromium drop
  // its requests with ERR_NETWORK_CHANGED.
  cp = await startTestControlPlane({ node: { initialBackoffMs: 1000, maxBackoffMs: 2000, podNetwork: false }, controllers: true });
  // The node trusts the registry's CA, as `ferry registry trust` would set it up.
  mkdirSync(join(cp.dataDir, 'certs.d', registry.host), { recursive: true });
  copyFileSync(registry.caFile as string, join(cp.dataDir, 'certs.d', registry.host, 'ca.crt'));
  base = `https://127.0.0.1:${cp.plane.port}`;
  browser = await launchBrowser();
  tab = await openPage(browser);
  page = tab.page;
});

after(async () => {
  await browser?.close();
  for (const name of ['awesome', 'wrongpass']) await cp?.kubectl(32, ['delete', 'deployment', name, '--ignore-not-found', '--wait=true', '--timeout=60s']).catch(() => undefined);
  await stopAgentsAndContainers([cp?.plane.node]);
  await cp?.close();
  await registry?.stop();
});

test('/ opens the console; a wrong token is refused; the admin token signs in for this tab only', async () => {
  await open(page, `${base}/`);
  assert.equal(new URL(page.url()).pathname, '/console/');
  await page.getByRole('heading', { name: 'Ferry console' }).waitFor();
  await screenshot(page, '01-sign-in');
  await page.getByLabel('Token').fill('not-the-token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText(/refused the token \(401 Unauthorized\)/).waitFor();
  await page.getByLabel('Token').fill(cp.plane.files.token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Workloads', level: 1 }).waitFor();
  assert.ok(!page.url().includes(cp.plane.files.token), 'no token in the URL');
  const stored = (await page.evaluate('({ local: localStorage.length, session: Object.keys(sessionStorage) })')) as { local: number; session: string[] };
  assert.equal(stored.local, 0, 'nothing in localStorage');
  assert.ok(stored.session.includes('ferry.console.token'));
  // A reload keeps the tab signed in; the namespace picker lists the cluster's namespaces.
  await open(page, page.url());
  await page.getByRole('heading', { name: 'Workloads', level: 1 }).waitFor();
  const namespaces = await page.getByLabel('Namespace').locator('option').allTextContents();
  assert.ok(namespaces.includes('default') && namespaces.includes('kube-system'), namespaces.join());
  await screenshot(page, '02-workloads-empty');
});

test('Create Secret: the name is checked live, the secret is kubectl-shaped and listed through the watch', async () => {
  await page.getByRole('link', { name: 'Secrets', exact: true }).click();
  await page.getByRole('row', { name: /default-secret/ }).waitFor();
  await page.getByRole('button', { name: 'Create Secret' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create Secret' });
  const name = dialog.getByLabel('Name', { exact: true });
  assert.equal(await focused(), 'secret-name', 'focus starts in the dialog');
  await name.fill('Bad_Name');
  await dialog.getByText(/Invalid name: a lowercase RFC 1123 subdomain/).waitFor();
  assert.equal(await name.getAttribute('aria-invalid'), 'true');
  await dialog.getByRole('button', { name: 'Create' }).click();
  await dialog.getByText('Enter the password for the image repository.').waitFor();
  assert.equal(await dialog.getByLabel('Password', { exact: true }).getAttribute('type'), 'password');
  await screenshot(page, '03-create-secret-errors');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await focused(), 'Create Secret', 'focus returns to the opener');

  await createSecret('regcred', PASSWORD);
  const row = page.getByRole('row', { name: /^regcred / });
  assert.match((await row.textContent()) ?? '', /kubernetes\.io\/dockerconfigjson\s*1/);
  await screenshot(page, '04-secrets');
  const secret = await api<{ type: string; data: Record<string, string> }>('/api/v1/namespaces/default/secrets/regcred');
  assert.equal(secret.type, 'kubernetes.io/dockerconfigjson');
  const auth = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
  assert.equal(Buffer.from(secret.data['.dockerconfigjson'] as string, 'base64').toString(), `{"auths":{"${registry.host}":{"username":"${USER}","password":"${PASSWORD}","auth":"${auth}"}}}`);
  const html = await page.content();
  assert.ok(!html.includes(PASSWORD), 'the password is never shown again');

  // The server's refusal (the name is taken) is shown in the dialog.
  await page.getByRole('button', { name: 'Create Secret' }).click();
  await dialog.getByLabel('Name', { exact: true }).fill('regcred');
  await dialog.getByLabel('Image Repository Address').fill(registry.host);
  await dialog.getByLabel('Username').fill(USER);
  await dialog.getByLabel('Password', { exact: true }).fill('x');
  await dialog.getByRole('button', { name: 'Create' }).click();
  await dialog.getByText(/secrets "regcred" already exists/).waitFor();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
});

test('Create Workload: a Deployment with the secret reaches 1/1 Running, with its digest, events and logs', async () => {
  await createDeployment('awesome', 'regcred', '05-create-workload');
  await until('READY 1/1 on the detail page', async () => (await page.getByTestId('detail-ready').textContent()) === '1/1', 120_000);
  const pod = page.locator('[data-testid^="pod-awesome-"]');
  await until('the pod Running', async () => (await pod.getByTestId('pod-status').textContent()) === 'Running');
  assert.match((await pod.textContent()) ?? '', /1\/1Running0.*sha256:[0-9a-f]{12}/);
  await page.getByRole('cell', { name: 'Pulled', exact: true }).first().waitFor();
  await page.getByRole('cell', { name: 'Started', exact: true }).first().waitFor();
  await until('the container output in the log', async () => (await page.getByTestId('log').textContent())?.includes('awesome app up'));
  await screenshot(page, '06-workload-detail');

  await page.getByRole('link', { name: 'Back to workloads' }).click();
  const row = page.getByTestId('workload-awesome');
  await until('1/1 in the list', async () => (await row.getByTestId('ready').textContent()) === '1/1');
  assert.match((await row.textContent()) ?? '', new RegExp(`Deployment1/111.*${registry.host}/janedoe/awesomeapp:v1`));
  await screenshot(page, '07-workloads');
});

test('a wrong password: the failing pull event says the registry rejected the credential', async () => {
  await createSecret('badcred', 'wrong-password');
  await createDeployment('wrongpass', 'badcred');
  const failed = page.getByRole('row', { name: /Failed.*rejected the credential/ }).first();
  await failed.waitFor({ timeout: 60_000 });
  const text = (await failed.textContent()) ?? '';
  assert.ok(text.includes(registry.host), text);
  assert.ok(!text.includes('wrong-password'), 'no password in events');
  await page.getByRole('row', { name: /BackOff/ }).first().waitFor({ timeout: 60_000 });
  assert.match((await page.locator('[data-testid^="pod-wrongpass-"]').getByTestId('pod-status').textContent()) ?? '', /ErrImagePull|ImagePullBackOff/);
  await screenshot(page, '08-wrong-password-events');

  // Delete it through the confirmation dialog.
  await page.getByRole('button', { name: 'Delete Deployment wrongpass' }).click();
  await page.getByRole('dialog', { name: 'Delete wrongpass' }).getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('heading', { name: 'Workloads', level: 1 }).waitFor();
  await until('wrongpass gone', async () => (await page.getByTestId('workload-wrongpass').count()) === 0);
  const list = await api<{ items: unknown[] }>('/apis/apps/v1/namespaces/default/deployments?fieldSelector=metadata.name%3Dwrongpass');
  assert.equal(list.items.length, 0);
});

test('scale, edit image and restart send what kubectl would', async () => {
  await page.getByRole('button', { name: 'Scale Deployment awesome' }).click();
  const scale = page.getByRole('dialog', { name: 'Scale awesome' });
  await scale.getByLabel('Replicas').fill('2');
  await scale.getByRole('button', { name: 'Scale' }).click();
  await until('2 desired', async () => (await page.getByTestId('workload-awesome').getByTestId('ready').textContent())?.endsWith('/2'));

  await page.getByRole('button', { name: 'Edit image of Deployment awesome' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit image of awesome' });
  await edit.getByLabel('Image').fill(`${registry.host}/janedoe/awesomeapp:v2`);
  await edit.getByRole('button', { name: 'Save' }).click();
  await page.getByTestId('workload-awesome').getByText(`${registry.host}/janedoe/awesomeapp:v2`).waitFor();

  await page.getByRole('button', { name: 'Restart Deployment awesome' }).click();
  await page.getByRole('dialog', { name: 'Restart awesome' }).getByRole('button', { name: 'Restart' }).click();
  const deployment = await until('the restartedAt annotation', async () => {
    const d = await api<{ spec: { replicas: number; template: { metadata: { annotations?: Record<string, string> }; spec: { containers: { image: string }[] } } } }>('/apis/apps/v1/namespaces/default/deployments/awesome');
    return d.spec.template.metadata.annotations?.['kubectl.kubernetes.io/restartedAt'] !== undefined ? d : undefined;
  });
  assert.match(deployment.spec.template.metadata.annotations?.['kubectl.kubernetes.io/restartedAt'] ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.equal(deployment.spec.replicas, 2);
  assert.equal(deployment.spec.template.spec.containers[0]?.image, `${registry.host}/janedoe/awesomeapp:v2`);
});

test('image caches and the images on the node', async () => {
  await page.getByRole('link', { name: 'Image caches', exact: true }).click();
  await page.getByRole('button', { name: 'Create image cache' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create image cache' });
  await dialog.getByLabel('Name', { exact: true }).fill('warm');
  await dialog.getByLabel('Images').fill(`${registry.host}/janedoe/awesomeapp:v1\n${registry.host}/janedoe/awesomeapp:v1`);
  await dialog.getByLabel('default:regcred').check();
  await dialog.getByRole('button', { name: 'Create' }).click();
  await dialog.getByText(/Duplicate value/).waitFor();
  await dialog.getByLabel('Images').fill(`${registry.host}/janedoe/awesomeapp:v1`);
  await dialog.getByRole('button', { name: 'Create' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.getByRole('row', { name: /^warm / }).waitFor();
  const ic = await api<{ spec: { images: string[]; imagePullSecrets: string[] } }>('/apis/eci.alibabacloud.com/v1/imagecaches/warm');
  assert.deepEqual(ic.spec, { images: [`${registry.host}/janedoe/awesomeapp:v1`], imagePullSecrets: ['default:regcred'] });
  await screenshot(page, '09-image-caches');

  await page.getByRole('link', { name: 'Images', exact: true }).click();
  await page.getByRole('heading', { name: 'Images', level: 1 }).waitFor();
  const nodes = await api<{ items: { status?: { images?: { names?: string[] }[] } }[] }>('/api/v1/nodes');
  const reported = nodes.items.flatMap((node) => node.status?.images ?? []).flatMap((i) => i.names ?? []);
  // The node agent reports what it stores in Node status.images; the page shows exactly that.
  if (reported.some((n) => n.startsWith(`${registry.host}/janedoe/awesomeapp:v1`))) {
    const row = page.getByRole('row', { name: new RegExp(`${registry.host.replace(/\./g, '\\.')}/janedoe/awesomeapp:v1`) }).first();
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /warm/, 'the row names the image cache holding it');
  } else if (reported.length === 0) {
    await page.getByText(/No node reports any image yet/).waitFor();
  } else {
    await page.locator('tbody tr').first().waitFor();
  }
  await screenshot(page, '10-images');
});

test('phone width and dark mode: pages fit 375px without horizontal scrolling of the page', async () => {
  const phone = await openPage(browser, { width: 375, height: 812, colorScheme: 'dark' });
  try {
    await signIn(phone.page);
    await phone.page.getByTestId('workload-awesome').waitFor();
    const overflow = async (): Promise<number> => (await phone.page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')) as number;
    await screenshot(phone.page, '11-phone-dark-workloads');
    assert.equal(await overflow(), 0, 'workloads page fits');
    await phone.page.getByRole('link', { name: 'Create Workload' }).click();
    await phone.page.getByLabel('Name', { exact: true }).waitFor();
    await screenshot(phone.page, '12-phone-dark-create-workload');
    assert.equal(await overflow(), 0, 'create form fits');
    await open(phone.page, `${base}/console/workloads/deployments/awesome`);
    await phone.page.getByTestId('detail-ready').waitFor();
    await screenshot(phone.page, '13-phone-dark-detail');
    assert.equal(await overflow(), 0, 'detail page fits');
    assert.deepEqual(phone.problems.filter(unexpected), []);
  } finally {
    await phone.context.close();
  }
  // The wrong token (401) and the taken name (409) were refused on purpose; nothing else may fail
  // (a Content-Security-Policy violation or a script error would show here).
  assert.deepEqual(tab.problems.filter(unexpected), []);
});
