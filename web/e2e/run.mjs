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

async function getJson(urlPath, bearer) {
  const res = await fetch(`${server.baseUrl}${urlPath}`, {
    headers: { Authorization: `Bearer ${bearer}` },
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

// --- admin console ----------------------------------------------------------

const student = {
  name: 'Sam Student',
  email: `sam.${unique}@example.com`,
  password: 'learning every day',
};
const adminPassword = 'a brand new admin passphrase';
const admin = {}; // the admin's browser context and page

function adminNav(page, name) {
  return page
    .getByRole('navigation', { name: 'Admin sections' })
    .getByRole('link', { name, exact: true });
}

test('the first admin replaces the one-time password at first sign-in', async () => {
  assert.ok(server.admin.password, 'the server printed the one-time password');
  const context = await browser.newContext();
  const page = await context.newPage();
  admin.context = context;
  admin.page = page;

  await signIn(page, server.admin);
  await visible(page.getByRole('heading', { name: 'Choose a new password' }));
  await visible(page.getByText(server.admin.email, { exact: true }));
  await screenshot(page, 'admin-change-password');
  await page.getByLabel('New password', { exact: true }).fill(adminPassword);
  await page.getByLabel('Confirm new password', { exact: true }).fill(adminPassword);
  await page.getByRole('button', { name: 'Save password and sign in' }).click();
  await page.waitForURL(`${server.baseUrl}/profile`);
  await visible(page.getByRole('heading', { level: 1, name: 'Administrator' }));

  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Admin' })
    .click();
  await page.waitForURL(`${server.baseUrl}/admin/users`);
  await visible(page.getByRole('heading', { name: 'Admin console' }));

  // The one-time password is spent; the new one works.
  const again = await postJson('/v1/auth/password/signin', server.projectId, {
    loginId: server.admin.email,
    password: server.admin.password,
  });
  assert.equal(again.status, 401, `old password: ${JSON.stringify(again)}`);
  const fresh = await postJson('/v1/auth/password/signin', server.projectId, {
    loginId: server.admin.email,
    password: adminPassword,
  });
  assert.equal(fresh.status, 200, `new password: ${JSON.stringify(fresh)}`);
});

test('a signed-in student has no Admin link and is told /admin needs the role', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  admin.studentContext = context;
  admin.studentPage = page;
  await signUp(page, student);
  await page.waitForURL(`${server.baseUrl}/profile`);
  await server.cli('user', 'set-roles', student.email, 'student');
  await page.goto(`${server.baseUrl}/dashboard`);
  await visible(page.getByRole('heading', { name: 'Student view' }));
  const nav = page.getByRole('navigation', { name: 'Main' });
  await visible(nav.getByRole('link', { name: 'Dashboard' }));
  assert.equal(await nav.getByRole('link', { name: 'Admin' }).count(), 0);

  await page.goto(`${server.baseUrl}/admin`);
  await visible(page.getByRole('heading', { name: 'You need the admin role' }));
  assert.equal(await page.getByRole('heading', { name: 'Admin console' }).count(), 0);
  await screenshot(page, 'admin-forbidden');

  // The server agrees: the student's own session is refused by the management API.
  const sessionJwt = await storage(page, 'DS');
  const refused = await postJson(
    '/v2/mgmt/user/search',
    `${server.projectId}:${sessionJwt}`,
    { text: '', limit: 1, page: 0 },
  );
  assert.equal(refused.status, 403, `student search: ${JSON.stringify(refused)}`);
  await page.goto(`${server.baseUrl}/dashboard`);
  await visible(page.getByRole('heading', { name: 'Student view' }));
});

test(
  'the admin finds the student and makes them a teacher; their reload shows it',
  async () => {
    const { page, studentPage } = admin;
    await adminNav(page, 'Users').click();
    await page.getByRole('searchbox', { name: 'Search users' }).fill('sam.');
    const manage = await visible(
      page.getByRole('button', { name: `Manage ${student.email}` }),
    );
    await visible(page.getByText(/1–1 of 1 user/));
    await manage.click();
    const panel = page.getByRole('region', { name: student.name });
    await visible(panel.getByText('Never').or(panel.getByText(/ago|just now/)));
    await panel.getByRole('checkbox', { name: 'teacher' }).check();
    await panel.getByRole('checkbox', { name: 'student' }).uncheck();
    await panel.getByRole('button', { name: 'Save roles' }).click();
    await visible(
      panel.getByText(/Roles saved\. .* next session refresh or page reload/),
    );
    await visible(
      page.getByRole('list', { name: `Roles of ${student.email}` }).getByText('teacher'),
    );
    await screenshot(page, 'admin-users');

    await studentPage.reload();
    await visible(studentPage.getByRole('heading', { name: 'Teacher view' }));
    assert.equal(
      await studentPage.getByRole('heading', { name: 'Student view' }).count(),
      0,
    );
  },
  {
    needs: [
      'the first admin replaces the one-time password at first sign-in',
      'a signed-in student has no Admin link and is told /admin needs the role',
    ],
  },
);

test(
  'the admin deactivates the user and their next refresh fails',
  async () => {
    const { page, studentPage, studentContext } = admin;
    const panel = page.getByRole('region', { name: student.name });
    await panel.getByRole('button', { name: 'Deactivate' }).click();
    await panel
      .getByRole('group', { name: 'Confirm' })
      .getByRole('button', { name: 'Deactivate' })
      .click();
    await visible(panel.getByText(/is deactivated/));
    await visible(panel.getByText('Deactivated', { exact: true }));
    await screenshot(page, 'admin-user-deactivated');

    const refreshJwt = await storage(studentPage, 'DSR');
    const refused = await postJson(
      '/v1/auth/refresh',
      `${server.projectId}:${refreshJwt}`,
    );
    assert.equal(
      refused.status,
      401,
      `refresh after deactivation: ${JSON.stringify(refused)}`,
    );

    await studentPage.reload();
    await studentPage.waitForURL(`${server.baseUrl}/login`);
    await visible(studentPage.getByRole('heading', { name: 'Sign in', exact: true }));
    assert.equal(await storage(studentPage, 'DSR'), null, 'refresh token cleared');

    await signIn(studentPage, student);
    const alert = await visible(studentPage.getByRole('alert'));
    assert.match(await alert.innerText(), /disabled|cannot sign in/i);
    await studentContext.close();

    // Activate again: the account can sign in once more.
    await panel.getByRole('button', { name: 'Activate' }).click();
    await visible(panel.getByText(/is active again/));
  },
  {
    needs: [
      'the admin finds the student and makes them a teacher; their reload shows it',
    ],
  },
);

test(
  'the admin creates a user, and roles with permissions',
  async () => {
    const { page } = admin;
    const newcomer = `new.${unique}@example.com`;
    await page.getByRole('button', { name: 'New user' }).click();
    const form = page.getByRole('region', { name: 'New user' });
    await form.getByLabel('Email', { exact: true }).fill(newcomer);
    await form.getByLabel('Name', { exact: true }).fill('Nia Newcomer');
    await form.getByRole('checkbox', { name: 'student' }).check();
    await form.getByLabel('First password (optional)').fill('a first password');
    await form.getByRole('button', { name: 'Create user' }).click();
    await visible(page.getByText(`Created ${newcomer}.`));
    await visible(page.getByRole('region', { name: 'Nia Newcomer' }));

    await adminNav(page, 'Roles').click();
    await page.waitForURL(`${server.baseUrl}/admin/roles`);
    await page.getByLabel('Permission name').fill('grades.read');
    await page.getByLabel('Description').last().fill('See every grade');
    await page.getByRole('button', { name: 'Add permission' }).click();
    await visible(page.getByText('Added permission grades.read.'));

    await page.getByRole('button', { name: 'New role' }).click();
    const roleForm = page.getByRole('form', { name: 'New role' });
    await roleForm.getByLabel('Role name').fill('assistant');
    await roleForm.getByLabel('Description').fill('Helps a teacher');
    await roleForm.getByRole('checkbox', { name: 'grades.read' }).check();
    await roleForm.getByRole('button', { name: 'Create role' }).click();
    await visible(page.getByText('Created role assistant.'));
    await visible(
      page
        .getByRole('list', { name: 'Permissions of assistant' })
        .getByText('grades.read'),
    );

    await page.getByRole('button', { name: 'Edit role assistant' }).click();
    const editForm = page.getByRole('form', { name: 'Edit role assistant' });
    await editForm.getByLabel('Description').fill('Helps a teacher grade');
    await editForm.getByRole('button', { name: 'Save role' }).click();
    await visible(page.getByText('Helps a teacher grade'));
    await screenshot(page, 'admin-roles');

    await page.getByRole('button', { name: 'Delete role assistant' }).click();
    await page
      .getByRole('group', { name: 'Confirm' })
      .getByRole('button', { name: 'Delete' })
      .click();
    await visible(page.getByText('Deleted role assistant.'));
    assert.equal(await page.getByRole('heading', { name: 'assistant' }).count(), 0);
  },
  { needs: ['the first admin replaces the one-time password at first sign-in'] },
);

test(
  'Activity charts today’s sign-ins and lists failures and role changes',
  async () => {
    const { page } = admin;
    const daily = await getJson(
      '/v1/mgmt/audit/daily?days=30&action=user.signin',
      `${server.projectId}:${await storage(page, 'DS')}`,
    );
    assert.equal(daily.status, 200, `daily: ${JSON.stringify(daily)}`);
    const today = daily.body.days.at(-1).count;
    assert.ok(today >= 3, `sign-ins today: ${today}`);

    await adminNav(page, 'Activity').click();
    await page.waitForURL(`${server.baseUrl}/admin/activity`);
    await visible(page.getByText(new RegExp(`^${today} sign-ins today$`)));
    await visible(page.getByRole('img', { name: /Sign-ins per day/ }));
    const todayBar = page.locator('.chart__day--today title');
    assert.equal(await todayBar.textContent(), `Today: ${today} sign-ins`);

    const failed = page.getByRole('list', { name: 'Failed sign-ins' });
    await visible(failed.getByText(server.admin.email));
    await visible(failed.getByText('Password expired'));
    const changes = page.getByRole('list', { name: 'Role changes' });
    await visible(changes.getByText(student.email));
    await visible(changes.getByText('Now: teacher'));
    await visible(
      page.getByRole('list', { name: 'Recent sign-ins' }).getByText(server.admin.email),
    );
    await screenshot(page, 'admin-activity');
  },
  {
    needs: [
      'the admin finds the student and makes them a teacher; their reload shows it',
    ],
  },
);

test(
  'the console reads well at phone width',
  async () => {
    const context = await browser.newContext({
      viewport: { width: 375, height: 740 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    await signIn(page, { email: server.admin.email, password: adminPassword });
    await page.waitForURL(`${server.baseUrl}/profile`);
    for (const [section, ready] of [
      ['users', page.getByRole('button', { name: `Manage ${student.email}` })],
      ['roles', page.getByRole('heading', { name: 'teacher', exact: true })],
      ['activity', page.getByRole('img', { name: /Sign-ins per day/ })],
    ]) {
      await page.goto(`${server.baseUrl}/admin/${section}`);
      await visible(ready);
      await noHorizontalScroll(page);
      await screenshot(page, `mobile-admin-${section}`);
    }
    await page.getByRole('button', { name: 'Refresh' }).click();
    await context.close();
    await admin.context.close();
  },
  { needs: ['the first admin replaces the one-time password at first sign-in'] },
);

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
