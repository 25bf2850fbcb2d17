// End-to-end tests: the built app (web/dist) served by the real Gatehouse
// server, driven through Debian's Chromium.
//
//   npm run e2e                       (builds the app, then runs this)
//   GATEHOUSE_BIN=/path/to/gatehouse  server binary (default ../build/gatehouse)
//   E2E_ARTIFACTS=/path               screenshots (default <repo>/build/e2e)
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from './lib/browser.mjs';
import { run, test } from './lib/runner.mjs';
import { startServer } from './lib/server.mjs';

const webDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repoDir = path.resolve(webDir, '..');
const bin = path.resolve(webDir, process.env.GATEHOUSE_BIN || '../build/gatehouse');
const distDir = path.join(webDir, 'dist');
const artifacts = path.resolve(
  process.env.E2E_ARTIFACTS || path.join(repoDir, 'build', 'e2e'),
);
// Session lifetime for the run: short enough to watch the SDK refresh it.
const SESSION_TTL = 60;

const unique = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const teacher = {
  name: 'Ada Lovelace',
  email: `ada.${unique}@example.com`,
  password: 'correct horse battery staple',
};

let server;
let browser;
const shared = {}; // state carried along the sign-up flow

async function screenshot(page, name) {
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
}

function storage(page, key) {
  return page.evaluate((k) => window.localStorage.getItem(k), key);
}

async function visible(locator, timeout = 10_000) {
  await locator.first().waitFor({ state: 'visible', timeout });
  return locator.first();
}

async function signUp(page, { name, email, password }) {
  await page.goto(`${server.baseUrl}/login?mode=signup`);
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign up', exact: true }).click();
}

async function signIn(page, { email, password }) {
  await page.goto(`${server.baseUrl}/login`);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

async function postJson(urlPath, bearer, body = {}) {
  const res = await fetch(`${server.baseUrl}${urlPath}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

async function noHorizontalScroll(page) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px at ${page.url()}`);
}

// ---------------------------------------------------------------------------

test('the server serves the app with its security headers', async () => {
  const index = await fetch(`${server.baseUrl}/`);
  assert.equal(index.status, 200);
  const csp = index.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'self'/, `CSP header: ${csp}`);
  const html = await index.text();
  assert.doesNotMatch(
    html,
    /<script(?![^>]*\bsrc=)[^>]*>/,
    'index.html has an inline script',
  );
  assert.doesNotMatch(html, /<style/, 'index.html has an inline <style>');

  const asset = html.match(/\/assets\/[^"]+\.js/)?.[0];
  assert.ok(asset, 'index.html references a hashed script');
  const js = await fetch(`${server.baseUrl}${asset}`);
  assert.equal(js.status, 200);
  assert.match(js.headers.get('cache-control') ?? '', /immutable/);

  const deep = await fetch(`${server.baseUrl}/profile`);
  assert.equal(deep.status, 200, 'SPA fallback for /profile');
  assert.match(await deep.text(), /<div id="root">/);
});

test('home page explains the app and links to log in', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.baseUrl}/`);
  await visible(
    page.getByRole('heading', { name: /sign-in that lives on your own server/i }),
  );
  const main = page.getByRole('main');
  await visible(main.getByRole('link', { name: 'Log in', exact: true }));
  await visible(page.getByRole('navigation', { name: 'Main' }));
  await screenshot(page, 'home');
  await context.close();
});

test('sign up leads to the profile with the name and no role', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  shared.context = context;
  shared.page = page;

  await page.goto(`${server.baseUrl}/login`);
  await visible(page.getByRole('heading', { name: 'Sign in', exact: true }));
  await screenshot(page, 'login');
  await page.getByRole('button', { name: 'Create an account' }).click();
  await screenshot(page, 'signup');

  await signUp(page, teacher);
  await page.waitForURL(`${server.baseUrl}/profile`);
  await visible(page.getByRole('heading', { level: 1, name: teacher.name }));
  await visible(page.getByText(teacher.email, { exact: true }));
  await visible(page.getByText('You are now a trained Descope user!'));
  await visible(page.getByText('No role yet.'));
  assert.ok(await storage(page, 'DSR'), 'refresh token stored');
  await screenshot(page, 'profile');

  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Dashboard' })
    .click();
  await visible(page.getByRole('heading', { name: 'No role yet' }));
  await visible(
    page.getByText(`gatehouse user set-roles --data DIR ${teacher.email} teacher`),
  );
  await screenshot(page, 'dashboard-no-role');
});

test(
  'a role granted with the CLI shows the teacher view after a reload',
  async () => {
    const { page } = shared;
    const out = await server.cli('user', 'set-roles', teacher.email, 'teacher');
    assert.match(out, /teacher/);
    await page.reload();
    await visible(page.getByRole('heading', { name: 'Teacher view' }));
    assert.equal(await page.getByRole('heading', { name: 'Student view' }).count(), 0);
    await screenshot(page, 'dashboard-teacher');

    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Profile' })
      .click();
    await visible(page.getByRole('list', { name: 'Your roles' }).getByText('teacher'));
  },
  { needs: ['sign up leads to the profile with the name and no role'] },
);

test(
  'a reload keeps the user signed in, without layout jumps',
  async () => {
    const { page } = shared;
    await page.goto(`${server.baseUrl}/profile`);
    await visible(page.getByText('You are now a trained Descope user!'));
    await page.reload();
    await visible(page.getByRole('heading', { level: 1, name: teacher.name }));
    await visible(page.getByText('You are now a trained Descope user!'));
    assert.equal(new URL(page.url()).pathname, '/profile');
    const shift = await page.evaluate(() => window.__layoutShift);
    assert.ok(shift < 0.1, `cumulative layout shift ${shift}`);
  },
  { needs: ['sign up leads to the profile with the name and no role'] },
);

test(
  'log out revokes the refresh token and /profile then asks to sign in',
  async () => {
    const { page, context } = shared;
    await page.goto(`${server.baseUrl}/profile`);
    await visible(page.getByRole('button', { name: 'Log out' }));
    const oldRefresh = await storage(page, 'DSR');
    assert.ok(oldRefresh, 'a refresh token is stored before logout');

    const logout = page.waitForResponse(
      (r) => new URL(r.url()).pathname === '/v1/auth/logout',
    );
    await page.getByRole('button', { name: 'Log out' }).click();
    assert.equal((await logout).status(), 200);
    await page.waitForURL(`${server.baseUrl}/login`);
    await visible(page.getByText('You have signed out.'));
    assert.equal(await storage(page, 'DSR'), null, 'refresh token cleared');
    assert.equal(await storage(page, 'DS'), null, 'session token cleared');
    await screenshot(page, 'logged-out');

    await page.goto(`${server.baseUrl}/profile`);
    await page.waitForURL(`${server.baseUrl}/login`);
    await visible(page.getByRole('heading', { name: 'Sign in', exact: true }));

    const refused = await postJson(
      '/v1/auth/refresh',
      `${server.projectId}:${oldRefresh}`,
    );
    assert.equal(
      refused.status,
      401,
      `refresh with the old token: ${JSON.stringify(refused)}`,
    );
    await context.close();
  },
  { needs: ['sign up leads to the profile with the name and no role'] },
);

test(
  'a wrong password shows an error next to the form',
  async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, { email: teacher.email, password: 'not the password' });
    const alert = await visible(page.getByRole('alert'));
    assert.match(await alert.innerText(), /Wrong email or password/);
    assert.equal(new URL(page.url()).pathname, '/login');
    await screenshot(page, 'login-wrong-password');

    await page.getByLabel('Password', { exact: true }).fill(teacher.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${server.baseUrl}/profile`);
    await visible(page.getByRole('list', { name: 'Your roles' }).getByText('teacher'));
    await context.close();
  },
  { needs: ['sign up leads to the profile with the name and no role'] },
);

test('sign-up errors are readable: account exists, weak password', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const email = `weak.${unique}@example.com`;
  await signUp(page, { name: 'Weak', email, password: 'short' });
  let alert = await visible(page.getByRole('alert'));
  assert.match(await alert.innerText(), /at least \d+ characters/i);
  await screenshot(page, 'signup-weak-password');

  await signUp(page, {
    name: 'Again',
    email: teacher.email,
    password: 'another long password',
  });
  alert = await visible(page.getByRole('alert'));
  assert.match(await alert.innerText(), /already exists/);
  await page.getByRole('button', { name: 'Sign in with this email' }).click();
  await visible(page.getByRole('heading', { name: 'Sign in', exact: true }));
  assert.equal(
    await page.getByLabel('Email', { exact: true }).inputValue(),
    teacher.email,
  );
  await context.close();
});

test('the login form works from the keyboard with a visible focus ring', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const user = {
    name: 'Kay Board',
    email: `kay.${unique}@example.com`,
    password: 'typing all the way',
  };
  await page.goto(`${server.baseUrl}/login?mode=signup`);
  await visible(page.getByLabel('Name', { exact: true }));
  // Tab from the top of the page until the Name field has focus.
  for (let i = 0; i < 15; i += 1) {
    await page.keyboard.press('Tab');
    if (
      await page.evaluate(() => document.activeElement?.getAttribute('name') === 'name')
    )
      break;
  }
  const outline = await page.evaluate(
    () => getComputedStyle(document.activeElement).outlineStyle,
  );
  assert.notEqual(outline, 'none', 'focused field shows an outline');
  await page.keyboard.type(user.name);
  await page.keyboard.press('Tab');
  await page.keyboard.type(user.email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(user.password);
  await page.keyboard.press('Enter');
  await page.waitForURL(`${server.baseUrl}/profile`);
  await visible(page.getByRole('heading', { level: 1, name: user.name }));
  await context.close();
});

test('the session refreshes before it expires; a revoked one ends at the next refresh', async () => {
  // A fake clock lets the SDK's refresh timer (expiry − 20 s) fire without waiting.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.clock.install();
  const user = {
    name: 'Tim Er',
    email: `timer.${unique}@example.com`,
    password: 'ticking away nicely',
  };
  await signUp(page, user);
  await page.waitForURL(`${server.baseUrl}/profile`);
  await visible(page.getByText('You are now a trained Descope user!'));
  const firstSession = await storage(page, 'DS');

  // Hold the refresh request until the page clock is back in step with the
  // server's, so the SDK arms its next timer from the true expiry.
  let release;
  const held = new Promise((resolve) => (release = resolve));
  await page.route('**/v1/auth/refresh*', async (route) => {
    await held;
    await route.continue();
  });
  const requested = page.waitForRequest(
    (r) => new URL(r.url()).pathname === '/v1/auth/refresh',
  );
  const refreshed = page.waitForResponse(
    (r) => new URL(r.url()).pathname === '/v1/auth/refresh',
  );
  await page.clock.fastForward((SESSION_TTL - 15) * 1000);
  await requested;
  await page.clock.setSystemTime(new Date());
  release();
  const refreshResponse = await refreshed;
  assert.equal(refreshResponse.status(), 200, 'timer-driven refresh succeeds');
  await page.unroute('**/v1/auth/refresh*');
  const { sessionJwt } = await refreshResponse.json();
  assert.ok(sessionJwt, 'the refresh returned a session token');
  await page.waitForFunction((jwt) => localStorage.getItem('DS') === jwt, sessionJwt);
  assert.ok(firstSession, 'a session token was stored at sign-up');
  assert.equal(new URL(page.url()).pathname, '/profile');

  // Revoke the current refresh token elsewhere (as another tab's logout would).
  const current = await storage(page, 'DSR');
  const revoked = await postJson('/v1/auth/logout', `${server.projectId}:${current}`);
  assert.equal(revoked.status, 200, `logout elsewhere: ${JSON.stringify(revoked)}`);

  const refusedRefresh = page.waitForResponse(
    (r) => new URL(r.url()).pathname === '/v1/auth/refresh',
  );
  await page.clock.fastForward((SESSION_TTL - 15) * 1000);
  assert.equal(
    (await refusedRefresh).status(),
    401,
    'refresh with a revoked token is refused',
  );
  await page.waitForURL(`${server.baseUrl}/login`);
  await visible(page.getByText('Your session has ended. Please sign in again.'));
  assert.equal(await storage(page, 'DSR'), null, 'revoked refresh token cleared');
  await screenshot(page, 'session-ended');
  await context.close();
});

test('an unknown path shows a not-found page', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${server.baseUrl}/no/such/page`);
  await visible(page.getByRole('heading', { name: 'Page not found' }));
  await visible(page.getByRole('navigation', { name: 'Main' }));
  await screenshot(page, 'not-found');
  await context.close();
});

test('pages read well at phone width', async () => {
  const context = await browser.newContext({
    viewport: { width: 375, height: 740 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  });
  const page = await context.newPage();
  await page.goto(`${server.baseUrl}/`);
  await visible(page.getByRole('heading', { level: 1 }));
  await noHorizontalScroll(page);
  await screenshot(page, 'mobile-home');

  await page.goto(`${server.baseUrl}/login`);
  await visible(page.getByLabel('Email', { exact: true }));
  await noHorizontalScroll(page);
  await screenshot(page, 'mobile-login');

  await signIn(page, teacher);
  await page.waitForURL(`${server.baseUrl}/profile`);
  await visible(page.getByText('You are now a trained Descope user!'));
  await noHorizontalScroll(page);
  await screenshot(page, 'mobile-profile');

  await page.goto(`${server.baseUrl}/dashboard`);
  await visible(page.getByRole('heading', { name: 'Teacher view' }));
  await noHorizontalScroll(page);
  await screenshot(page, 'mobile-dashboard');
  await context.close();
});

test('no request left 127.0.0.1, no CSP violation, no page error', async () => {
  assert.ok(browser.requests.length > 0, 'requests were recorded');
  assert.deepEqual(browser.foreign, [], 'requests to other hosts');
  for (const url of browser.requests) {
    const { hostname } = new URL(url);
    assert.ok(
      ['127.0.0.1'].includes(hostname) || url.startsWith('data:'),
      `request to ${url}`,
    );
  }
  assert.deepEqual(browser.cspViolations, [], 'CSP violations');
  assert.deepEqual(browser.pageErrors, [], 'uncaught page errors');
});

// ---------------------------------------------------------------------------

async function main() {
  if (!existsSync(path.join(distDir, 'index.html'))) {
    console.error(
      `web/dist is not built: run "npm run build" first (looked in ${distDir})`,
    );
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  if (!existsSync(bin)) {
    console.error(
      `Gatehouse binary not found at ${bin} (set GATEHOUSE_BIN or run make build)`,
    );
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
  await mkdir(artifacts, { recursive: true });

  let result = { passed: 0, failed: 1 };
  try {
    server = await startServer({
      bin,
      webDir: distDir,
      extraArgs: ['--session-ttl', String(SESSION_TTL)],
    });
    console.log(
      `server ${server.baseUrl} (project ${server.projectId}), artifacts in ${artifacts}`,
    );
    browser = await launchBrowser();
    result = await run();
  } catch (error) {
    console.error(error?.stack || String(error));
  } finally {
    await browser?.close().catch(() => {});
    if (server && result.failed > 0) {
      console.log('--- server log (last lines) ---');
      console.log(server.log.slice(-40).join('\n'));
    }
    await server?.stop().catch(() => {});
  }
  console.log(`${result.passed} passed, ${result.failed} failed`);
  process.exit(result.failed > 0 ? 1 : 0);
}

await main();
