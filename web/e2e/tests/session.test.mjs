// A signed-in session: it survives a reload, log out ends it, and the SDK
// refreshes it on time and notices when it has been revoked.
import assert from 'node:assert/strict';
import { before, describe } from 'node:test';
import {
  SESSION_TTL,
  browser,
  it,
  itStayedLocal,
  postJson,
  screenshot,
  server,
  signUp,
  storage,
  unique,
  useServer,
  visible,
} from '../lib/e2e.mjs';

describe('session', () => {
  useServer('session');

  describe('a session from sign-up to log out', () => {
    const user = {
      name: 'Ada Lovelace',
      email: `ada.${unique}@example.com`,
      password: 'correct horse battery staple',
    };
    let context;
    let page;
    before(async () => {
      context = await browser.newContext();
      page = await context.newPage();
      await signUp(page, user);
      await page.waitForURL(`${server.baseUrl}/profile`);
    });

    it('a reload keeps the user signed in, without layout jumps', async () => {
      await page.goto(`${server.baseUrl}/profile`);
      await visible(page.getByText('You are now a trained Descope user!'));
      await page.reload();
      await visible(page.getByRole('heading', { level: 1, name: user.name }));
      await visible(page.getByText('You are now a trained Descope user!'));
      assert.equal(new URL(page.url()).pathname, '/profile');
      const shift = await page.evaluate(() => window.__layoutShift);
      assert.ok(shift < 0.1, `cumulative layout shift ${shift}`);
    });

    it('log out revokes the refresh token and /profile then asks to sign in', async () => {
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
    });
  });

  it('the session refreshes before it expires; a revoked one ends at the next refresh', async () => {
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

  itStayedLocal();
});
