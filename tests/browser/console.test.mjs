// Headless-browser tests of velo's web console against a real `velo serve`.
// Run by tests/browser/run, which provides:
//   BASE_URL        the server, e.g. http://127.0.0.1:7780
//   VELO_TOKEN      its API token
//   VELO, VELO_HOME the velo binary and home (for CLI changes)
//   SCREENSHOT_DIR  where <page>.png go
// One browser (Debian's chromium through playwright-core), steps in order.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

const run = promisify(execFile);
const BASE_URL = need('BASE_URL');
const TOKEN = need('VELO_TOKEN');
const VELO = need('VELO');
const SHOTS = need('SCREENSHOT_DIR');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SLOW = 180_000; // creating, recovering and merging real clusters

function need(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run tests/browser/run)`);
  return value;
}

// The API as a program sees it (Bearer token), to check what the page shows.
async function api(method, path, body) {
  const response = await fetch(`${BASE_URL}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return data;
}

async function psql(branch, sql) {
  const { url } = await api('GET', `/branches/${branch}/connection`);
  const { stdout } = await run('psql', [url, '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-c', sql], { timeout: 60_000 });
  return stdout.trim();
}

async function velo(...args) {
  return run(VELO, args, { env: process.env, timeout: SLOW });
}

const rfc3339 = (ms) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

let userDataDir;
let context;
let page;
const consoleLines = [];
let password = null;

const tid = (id) => page.getByTestId(id);
const shot = (name) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

async function confirm(expectTitle) {
  const dialog = tid('confirm-dialog');
  await dialog.waitFor({ state: 'visible' });
  if (expectTitle) assert.match(await page.locator('#confirm-title').textContent(), expectTitle);
  await tid('confirm-ok').click();
  await dialog.waitFor({ state: 'hidden' });
}

// An operation's panel once it has finished; its status.
async function finished(panel) {
  await panel.and(page.locator('[data-status="succeeded"], [data-status="failed"]')).waitFor({ timeout: SLOW });
  return panel.getAttribute('data-status');
}

// The tray's panel of the newest operation of a kind on a target, finished.
async function trayOperation(kind, target) {
  const panel = page.locator('[data-testid^="tray-op-"]', { hasText: kind }).filter({ hasText: target }).first();
  await finished(panel);
  return panel;
}

// Every control has a name a screen reader can say.
async function unnamedControls() {
  return page.evaluate(() => {
    const bad = [];
    for (const el of document.querySelectorAll('button, a[href], input, select, textarea')) {
      if (el.closest('[hidden]') || el.type === 'hidden') continue;
      let name = (el.getAttribute('aria-label') || '').trim();
      if (!name && el.labels) name = [...el.labels].map((l) => l.textContent).join(' ').trim();
      if (!name) name = (el.textContent || '').trim() || el.getAttribute('title') || '';
      if (!name) bad.push(el.outerHTML.slice(0, 120));
    }
    return bad;
  });
}

describe('velo web console', { concurrency: false }, () => {
  before(async () => {
    userDataDir = mkdtempSync(join(tmpdir(), 'velo-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE_URL });
    page = context.pages()[0] || await context.newPage();
    page.setDefaultTimeout(60_000);
    page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => consoleLines.push(`pageerror: ${e.message}`));
    password = (await api('GET', '/branches/shop/main/connection')).password;
  });

  // A server that died fails the rest at once, not after each timeout.
  beforeEach(async () => {
    try {
      await fetch(`${BASE_URL}/favicon.svg`, { signal: AbortSignal.timeout(5000) });
    } catch (err) {
      throw new Error(`velo serve does not answer at ${BASE_URL}: ${err.cause ? err.cause.code : err.message}`);
    }
  });

  after(async () => {
    if (context) await context.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  it('serves the console without auth and nothing from elsewhere', async () => {
    let total = 0;
    for (const path of ['/', '/app.js', '/app.css', '/favicon.svg']) {
      const response = await fetch(`${BASE_URL}${path}`);
      assert.equal(response.status, 200, path);
      const body = await response.text();
      total += Buffer.byteLength(body);
      assert.doesNotMatch(body, /(src|href)=["']https?:|url\(["']?https?:|import\s.*from\s+["']https?:/, `${path} loads nothing from elsewhere`);
    }
    assert.ok(total < 300 * 1024, `the console is ${total} bytes`);
  });

  it('refuses a wrong token, then signs in with the right one', async () => {
    await page.goto(`${BASE_URL}/`);
    await tid('login').waitFor({ state: 'visible' });
    await page.getByLabel('API token').fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await tid('login-error').waitFor({ state: 'visible' });
    assert.match(await tid('login-error').textContent(), /not right/);
    await shot('login');
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await tid('node-shop/main').waitFor();
    assert.equal(await tid('login').isHidden(), true);
    assert.equal(await page.evaluate(() => document.cookie.includes('velo_token')), false, 'the cookie is HttpOnly');
  });

  it('shows shop/main in the tree, running, with port, age and size', async () => {
    const node = tid('node-shop/main');
    await node.locator('[data-testid="status-shop/main"]', { hasText: 'running' }).waitFor();
    const text = await node.textContent();
    assert.match(text, /port \d+/);
    assert.match(text, /age \d+ (s|min|h|d)/);
    assert.match(text, /used/);
    await page.locator('#live[data-state="live"]').waitFor();
    assert.deepEqual(await unnamedControls(), []);
  });

  it('creates a branch from the tree', async () => {
    await tid('action-branch-shop/main').click();
    await tid('prompt-dialog').waitFor({ state: 'visible' });
    await tid('prompt-input').fill('feature');
    await tid('prompt-ok').click();
    const node = tid('node-shop/feature');
    await node.waitFor({ timeout: SLOW });
    const op = await trayOperation('branch.create', 'shop/feature');
    assert.equal(await op.getAttribute('data-status'), 'succeeded', await op.textContent());
    await node.locator('[data-testid="status-shop/feature"]', { hasText: 'running' }).waitFor({ timeout: SLOW });
    // drawn under its parent
    assert.equal(await page.locator('li:has(> .node[data-testid="node-shop/main"]) > ul [data-testid="node-shop/feature"]').count(), 1);
    await shot('tree');
  });

  it('copies a connection string, and shows no password otherwise', async () => {
    await tid('action-copy-shop/feature').click();
    const expected = (await api('GET', '/branches/shop/feature/connection')).url;
    const copied = await Promise.race([
      tid('toast').getByText(/Copied the connection string/).waitFor().then(() => page.evaluate(() => navigator.clipboard.readText())),
      tid('connection-dialog').waitFor({ state: 'visible' }).then(() => tid('connection-url').inputValue()),
    ]);
    assert.equal(copied, expected);
    if (await tid('connection-dialog').isVisible()) await tid('connection-close').click();

    // Without a clipboard, a field to select it from.
    await page.evaluate(() => {
      navigator.clipboard.writeText = () => Promise.reject(new Error('denied'));
    });
    await tid('action-copy-shop/feature').click();
    await tid('connection-dialog').waitFor({ state: 'visible' });
    assert.equal(await tid('connection-url').inputValue(), expected);
    await tid('connection-close').click();
    await tid('connection-dialog').waitFor({ state: 'hidden' });
    assert.equal(await tid('connection-url').inputValue(), '', 'the field forgets it');
    assert.ok(password, 'main has a password');
    assert.equal((await page.content()).includes(password), false, 'no password in the page');
  });

  it('makes a point-in-time branch from the timeline', async () => {
    await page.goto(`${BASE_URL}/#/branch/shop/main`);
    await tid('branch-page').waitFor();
    await page.locator('[data-testid="snapshots"] :is(table, [data-testid="no-snapshots"])').first().waitFor();
    const before = await page.locator('[data-testid="snapshots"] tbody tr').count();
    await tid('snapshot-create').click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="snapshots"] tbody tr').length > n, before, { timeout: SLOW });
    // Written after the snapshot, then the time to branch at.
    await psql('shop/main', 'create table pitr_marker(x int); insert into pitr_marker values (1)');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const at = rfc3339(Date.now());
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await psql('shop/main', 'create table after_pitr(x int)');

    // The window, or the reason there is none, is shown.
    await page.locator('[data-testid="wal-window"][data-window]').waitFor();
    const window = await tid('wal-window').getAttribute('data-window');
    if (window === 'none') {
      assert.match(await tid('no-window-reason').textContent(), /No point-in-time window yet: \S/);
    }
    // A click on the axis picks a time.
    const box = await tid('timeline').boundingBox();
    await tid('timeline').click({ position: { x: box.width * 0.9, y: box.height / 2 } });
    assert.match(await tid('pitr-time').inputValue(), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    await tid('timeline-cursor').waitFor();

    await tid('pitr-time').fill(at);
    await tid('pitr-name').fill('main-pitr');
    await tid('pitr-submit').click();
    const progress = tid('pitr-progress').getByTestId('op-progress');
    const status = await finished(progress);
    await shot('timeline');
    assert.deepEqual(await unnamedControls(), []);
    assert.equal(status, 'succeeded', await progress.textContent());
    assert.ok(await progress.getByTestId('op-steps').locator('li').count() > 0, 'the steps are shown');
    assert.equal(await psql('shop/main-pitr', "select to_regclass('pitr_marker') is not null, to_regclass('after_pitr') is null"), 't|t');
  });

  it('diffs, dry-runs and merges a schema change, and reverts it', async () => {
    await psql('shop/feature', 'create table t(x int)');
    await page.goto(`${BASE_URL}/#/merge/shop/feature`);
    await tid('merge-page').waitFor();
    assert.equal(await tid('merge-into').inputValue(), 'shop/main');

    await tid('diff-button').click();
    await tid('diff-result').waitFor({ timeout: SLOW });
    assert.match(await tid('diff-result').getByTestId('changes').textContent(), /create\s*table\s*public\.t/);
    assert.match(await tid('diff-result').getByTestId('sql').textContent(), /CREATE TABLE public\.t/);

    await tid('dry-run-button').click();
    const dry = tid('dry-run-result');
    await dry.waitFor({ timeout: SLOW });
    assert.match(await dry.getByTestId('rehearsal-statements').textContent(), /CREATE TABLE/i);
    assert.match(await dry.getByTestId('rehearsal-timings').textContent(), /clone \d/);
    assert.ok(await dry.getByTestId('exclusive-locks').count() > 0, 'each statement says which exclusive locks it took');
    assert.equal(await psql('shop/main', "select to_regclass('public.t') is null"), 't', 'a dry run changes nothing');

    await tid('merge-button').click();
    await confirm(/Merge shop\/feature into shop\/main/);
    await tid('merge-done').waitFor({ timeout: SLOW });
    assert.equal(await psql('shop/main', "select to_regclass('public.t') is not null"), 't');
    const revert = tid('merges-list').locator('[data-testid^="revert-"]').first();
    await revert.waitFor();
    await shot('merge');
    assert.deepEqual(await unnamedControls(), []);

    // Reverting drops the table: refused unless hazards are allowed.
    await revert.click();
    await confirm(/Revert merge/);
    const refused = tid('merge-progress').getByTestId('op-progress').filter({ hasText: 'merge.revert' });
    assert.equal(await finished(refused), 'failed', await refused.textContent());
    assert.match(await tid('merge-error').textContent(), /lose data|hazard/);
    const refusedId = await refused.getAttribute('data-op-id');
    await tid('merge-allow-hazards').check();
    await revert.click();
    await confirm(/Revert merge/);
    const progress = tid('merge-progress').locator(`[data-testid="op-progress"]:not([data-op-id="${refusedId}"])`);
    assert.equal(await finished(progress), 'succeeded', await progress.textContent());
    assert.equal(await psql('shop/main', "select to_regclass('public.t') is null"), 't');
  });

  it('resets and deletes a branch after asking', async () => {
    await page.goto(`${BASE_URL}/#/`);
    await tid('node-shop/feature').waitFor();
    // Cancel changes nothing.
    await tid('action-delete-shop/feature').click();
    await tid('confirm-dialog').waitFor({ state: 'visible' });
    await tid('confirm-cancel').click();
    await page.waitForTimeout(500);
    assert.equal(await tid('node-shop/feature').count(), 1);

    await tid('action-reset-shop/feature').click();
    await confirm(/Reset shop\/feature/);
    const op = await trayOperation('branch.reset', 'shop/feature');
    assert.equal(await op.getAttribute('data-status'), 'succeeded', await op.textContent());
    assert.equal(await psql('shop/feature', "select to_regclass('public.t') is null"), 't', 'reset drops what the branch wrote');

    await tid('action-delete-shop/main-pitr').click();
    await confirm(/Delete shop\/main-pitr/);
    await tid('node-shop/main-pitr').waitFor({ state: 'detached', timeout: SLOW });
    const names = (await api('GET', '/branches?project=shop')).map((b) => b.name);
    assert.equal(names.includes('shop/main-pitr'), false);
  });

  it('shows a branch the CLI makes without a reload', async () => {
    await page.evaluate(() => { window.__sameDocument = true; });
    await velo('branch', 'create', 'shop/cli');
    const made = Date.now();
    await tid('node-shop/cli').waitFor({ timeout: 10_000 });
    const seconds = (Date.now() - made) / 1000;
    assert.ok(seconds < 5, `shown ${seconds} s after the CLI finished`);
    assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no reload');
  });

  it('drops a branch the CLI deletes without a reload', async () => {
    await velo('branch', 'delete', 'shop/cli', '--yes');
    const deleted = Date.now();
    await tid('node-shop/cli').waitFor({ state: 'detached', timeout: 10_000 });
    const seconds = (Date.now() - deleted) / 1000;
    assert.ok(seconds < 5, `gone ${seconds} s after the CLI finished`);
    assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no reload');
  });

  it('shows space per project and the doctor', async () => {
    await page.getByRole('link', { name: 'Space' }).click();
    await tid('space-shop').waitFor();
    assert.ok(await tid('space-bar-shop').locator('span').count() >= 2);
    await tid('doctor-summary').waitFor({ timeout: SLOW });
    assert.match(await tid('doctor-summary').textContent(), /checks? pass|findings? to look at/);
    await shot('space');
    assert.deepEqual(await unnamedControls(), []);
  });

  it('renders the tree on a phone', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${BASE_URL}/#/`);
    await tid('node-shop/main').waitFor();
    await tid('node-shop/feature').waitFor();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `no sideways scrolling (${width} px)`);
    assert.ok(await tid('action-branch-shop/main').isVisible());
    await shot('phone');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('asks to sign in again on a 401, and signs out', async () => {
    await page.goto(`${BASE_URL}/#/`);
    await tid('node-shop/main').waitFor();
    await context.clearCookies();
    await page.getByRole('link', { name: 'Space' }).click();
    await tid('login').waitFor({ state: 'visible' });
    assert.match(await tid('login-error').textContent(), /sign in again/);
    assert.equal(await tid('view').locator('*').count(), 0);
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await tid('space-page').waitFor();
    await tid('logout').click();
    await tid('login').waitFor({ state: 'visible' });
    const status = await page.evaluate(async () => (await fetch('/api/v1/status')).status);
    assert.equal(status, 401, 'the cookie is gone');
    const leaked = consoleLines.filter((line) => password && line.includes(password));
    assert.deepEqual(leaked, [], 'no password in the console log');
    const errors = consoleLines.filter((line) => line.startsWith('pageerror'));
    assert.deepEqual(errors, []);
  });
});
