// End-to-end tests: the built app (web/dist) served by the real Gatehouse
// server, driven through Debian's Chromium, on Node's own test runner.
//
//   npm run e2e        builds the app, then runs every file in e2e/tests/
//   npm run e2e:only   the same without the build (what `make test-e2e` runs)
//   node --test --test-reporter=spec e2e/tests/admin.test.mjs    one file
//
//   GATEHOUSE_BIN   server binary (default ../build/gatehouse, relative to web/)
//   E2E_ARTIFACTS   screenshots and server logs (default <repo>/build/e2e)
//   CHROMIUM_PATH   browser (default /usr/bin/chromium), see browser.mjs
//
// This module is what the test files share. node --test runs each file in its
// own process, one file at a time (--test-concurrency=1: two cores). A file
// calls useServer() in its top describe(): that gives it its own Gatehouse
// server (fresh data directory, first admin included) and its own Chromium,
// started before its first test and stopped after its last; the live bindings
// `server` and `browser` below point at them. So no file depends on another;
// within a file, tests run in order and name the earlier ones whose state they
// build on (`needs`). Every file that opens pages ends with itStayedLocal().
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, it as nodeIt } from 'node:test';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from './browser.mjs';
import { startServer } from './server.mjs';

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const repoDir = path.resolve(webDir, '..');
const bin = path.resolve(webDir, process.env.GATEHOUSE_BIN || '../build/gatehouse');
const distDir = path.join(webDir, 'dist');
export const artifacts = path.resolve(
  process.env.E2E_ARTIFACTS || path.join(repoDir, 'build', 'e2e'),
);
// Session lifetime for the run: short enough to watch the SDK refresh it.
export const SESSION_TTL = 60;
const TEST_TIMEOUT_MS = 120_000;

/** The file's running server (see server.mjs), set by useServer(). */
export let server;
/** The file's browser (see browser.mjs), set by useServer() unless browser: false. */
export let browser;

/** A suffix that keeps this file's e-mail addresses apart from any other run's. */
export const unique = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** The teacher most files sign up or create (unique per run). */
export const teacher = {
  name: 'Ada Lovelace',
  email: `ada.${unique}@example.com`,
  password: 'correct horse battery staple',
};

const failed = [];

/**
 * Starts the server (and the browser) before the file's first test and stops
 * them after its last. `name` labels the server log written to the artifacts;
 * `serverArgs` are added to `gatehouse serve` (e.g. ['--limit-login', '3/3/900']), or a
 * function giving them, awaited just before the server starts (e.g. to start an SMTP sink);
 * `host: 'localhost'` serves the pages at http://localhost:<port>, the server's
 * own origin, which magic links and passkeys need (see server.mjs).
 */
export function useServer(
  name,
  { withBrowser = true, serverArgs = [], host = '127.0.0.1' } = {},
) {
  before(async () => {
    assert.ok(
      existsSync(path.join(distDir, 'index.html')),
      `web/dist is not built: run "npm run build" first (looked in ${distDir})`,
    );
    assert.ok(
      existsSync(bin),
      `Gatehouse binary not found at ${bin} (set GATEHOUSE_BIN or run make build)`,
    );
    await mkdir(artifacts, { recursive: true });
    server = await startServer({
      bin,
      webDir: distDir,
      extraArgs: [
        '--session-ttl',
        String(SESSION_TTL),
        ...(typeof serverArgs === 'function' ? await serverArgs() : serverArgs),
      ],
      host,
    });
    if (withBrowser) browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close().catch(() => {});
    if (!server) return;
    await writeFile(path.join(artifacts, `gatehouse-${name}.log`), server.log.join('\n'));
    if (failed.length > 0) {
      console.log(`--- ${name}: server log (last lines) ---`);
      console.log(server.log.slice(-40).join('\n'));
    }
    await server.stop().catch(() => {});
  });
}

const outcome = new Map(); // test name → 'passed' | 'failed' | 'skipped'

/**
 * node:test's it(), with the same (name, [options], fn) arguments, plus:
 * - options.needs: names of earlier tests in this file whose state this test
 *   builds on; if one of them did not pass, this test is skipped, saying why;
 * - a 2-minute timeout, and failures remembered so after() prints the server log.
 */
export function it(name, options, fn) {
  if (typeof options === 'function') [options, fn] = [{}, options];
  const { needs = [], ...rest } = options;
  for (const need of needs) {
    assert.ok(
      outcome.has(need),
      `"${name}" needs "${need}", which is not an earlier test`,
    );
  }
  outcome.set(name, 'pending');
  nodeIt(name, { timeout: TEST_TIMEOUT_MS, ...rest }, async (t) => {
    const blocker = needs.find((need) => outcome.get(need) !== 'passed');
    if (blocker) {
      outcome.set(name, 'skipped');
      t.skip(`needs "${blocker}", which did not pass`);
      return;
    }
    try {
      await fn(t);
      outcome.set(name, 'passed');
    } catch (error) {
      outcome.set(name, 'failed');
      failed.push(name);
      throw error;
    }
  });
}

/**
 * The closing test of every file that uses a browser: across all the pages
 * this file's browser opened, no request left 127.0.0.1, no CSP violation was
 * reported, and no page threw.
 */
export function itStayedLocal() {
  it('no request left 127.0.0.1, no CSP violation, no page error', async () => {
    assert.ok(browser.requests.length > 0, 'requests were recorded');
    assert.deepEqual(browser.foreign, [], 'requests to other hosts');
    for (const url of browser.requests) {
      const { hostname } = new URL(url);
      assert.ok(
        ['127.0.0.1', new URL(server.baseUrl).hostname].includes(hostname) ||
          url.startsWith('data:'),
        `request to ${url}`,
      );
    }
    assert.deepEqual(browser.cspViolations, [], 'CSP violations');
    assert.deepEqual(browser.pageErrors, [], 'uncaught page errors');
  });
}

// --- pages -------------------------------------------------------------------

export async function screenshot(page, name) {
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
}

export function storage(page, key) {
  return page.evaluate((k) => window.localStorage.getItem(k), key);
}

export async function visible(locator, timeout = 10_000) {
  await locator.first().waitFor({ state: 'visible', timeout });
  return locator.first();
}

/** Waits until nothing matches `locator` (e.g. a list item being removed). */
export async function gone(locator, timeout = 10_000) {
  await locator.first().waitFor({ state: 'detached', timeout });
}

export async function noHorizontalScroll(page) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px at ${page.url()}`);
}

/** Phone-sized context options (iPhone-ish: 375 × 740 CSS px, touch). */
export const PHONE = {
  viewport: { width: 375, height: 740 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};

// --- accounts ----------------------------------------------------------------

/** Fills in and submits the app's sign-up form. */
export async function signUp(page, { name, email, password }) {
  await page.goto(`${server.baseUrl}/login?mode=signup`);
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign up', exact: true }).click();
}

/** Fills in and submits the app's sign-in form. */
export async function signIn(page, { email, password }) {
  await page.goto(`${server.baseUrl}/login`);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/**
 * Creates an account without a browser (the sign-up API the app calls), then
 * gives it `roles` with the CLI: for tests that need an account to exist but
 * are not about signing up.
 */
export async function createAccount({ name, email, password }, roles = []) {
  const res = await postJson('/v1/auth/password/signup', server.projectId, {
    loginId: email,
    password,
    user: { name, email },
  });
  assert.equal(res.status, 200, `sign-up of ${email}: ${JSON.stringify(res)}`);
  if (roles.length > 0) await server.cli('user', 'set-roles', email, roles.join(','));
}

// --- HTTP ----------------------------------------------------------------------

export async function postJson(urlPath, bearer, body = {}) {
  const res = await fetch(`${server.baseUrl}${urlPath}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

export async function getJson(urlPath, bearer) {
  const res = await fetch(`${server.baseUrl}${urlPath}`, {
    headers: { Authorization: `Bearer ${bearer}` },
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

// --- mail ----------------------------------------------------------------------

let mailboxKey;

/**
 * The dev mail engine's messages (newest first), read from `GET
 * /v1/mgmt/dev/mailbox` with a management key made by the CLI
 * (`gatehouse mgmt-key create`), as a newcomer without a mail server would.
 */
export async function mailbox() {
  if (!mailboxKey) {
    const out = await server.cli('mgmt-key', 'create', '--name', 'e2e-mailbox');
    mailboxKey = out.trim().split('\n').pop().trim();
  }
  const res = await getJson('/v1/mgmt/dev/mailbox', `${server.projectId}:${mailboxKey}`);
  assert.equal(res.status, 200, `dev mailbox: ${JSON.stringify(res)}`);
  return res.body.messages;
}

/** Waits (up to 10 s) for the newest message to `to` sent at or after `since` (ms). */
export async function waitForMail(to, since = 0) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = (await mailbox()).find(
      (m) => m.to.toLowerCase() === to.toLowerCase() && m.time >= since,
    );
    if (found) return found;
    assert.ok(Date.now() < deadline, `no mail to ${to} within 10 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Signs the first admin in on `page` with the one-time password the server
 * wrote, through "Choose a new password" (to `newPassword`), ending on /profile.
 */
export async function signInFirstAdmin(
  page,
  newPassword = 'a brand new console passphrase',
) {
  await signIn(page, server.admin);
  await page.getByLabel('New password', { exact: true }).fill(newPassword);
  await page.getByLabel('Confirm new password', { exact: true }).fill(newPassword);
  await page.getByRole('button', { name: 'Save password and sign in' }).click();
  await page.waitForURL(`${server.baseUrl}/profile`);
}
