// Lockouts: a user who keeps guessing is locked out by the real server, the admin
// sees it on the console's Activity page and unlocks it, and the right password
// works again. The server runs with a small per-login limit (3 attempts lock).
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import {
  PHONE,
  browser,
  createAccount,
  getJson,
  gone,
  it,
  itStayedLocal,
  noHorizontalScroll,
  screenshot,
  server,
  signIn,
  storage,
  unique,
  useServer,
  visible,
} from '../lib/e2e.mjs';

const LOCK_AFTER = 3;
const locked = {
  name: 'Lou Locked',
  email: `lou.${unique}@example.com`,
  password: 'lighthouse keeper of the north',
};
const adminPassword = 'a brand new console passphrase';

async function signInApi(password) {
  const res = await fetch(`${server.baseUrl}/v1/auth/password/signin`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${server.projectId}`,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify({ loginId: locked.email, password }),
  });
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    body: await res.json().catch(() => null),
  };
}

const LOCKED_OUT =
  'wrong passwords lock the account: 429 with Retry-After, even for the right one';

describe('lockouts', () => {
  useServer('lockouts', {
    serverArgs: ['--limit-login', `${LOCK_AFTER}/${LOCK_AFTER}/900`],
  });

  it(LOCKED_OUT, async () => {
    await createAccount(locked);
    for (let i = 1; i <= LOCK_AFTER; i++) {
      const wrong = await signInApi(`not the password ${i}`);
      assert.equal(wrong.status, 401, `wrong password ${i}: ${JSON.stringify(wrong)}`);
    }
    const refused = await signInApi('yet another guess');
    assert.equal(refused.status, 429, `after ${LOCK_AFTER}: ${JSON.stringify(refused)}`);
    assert.equal(refused.body?.errorCode, 'E130429');
    assert.ok(Number(refused.retryAfter) > 800, `Retry-After: ${refused.retryAfter}`);
    const right = await signInApi(locked.password);
    assert.equal(
      right.status,
      429,
      `right password while locked: ${JSON.stringify(right)}`,
    );
  });

  it(
    'the admin sees the lockout on Activity and unlocks it; the right password then signs in',
    { needs: [LOCKED_OUT] },
    async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      // The first admin's one-time password is spent at its first sign-in.
      await signIn(page, server.admin);
      await visible(page.getByRole('heading', { name: 'Choose a new password' }));
      await page.getByLabel('New password', { exact: true }).fill(adminPassword);
      await page.getByLabel('Confirm new password', { exact: true }).fill(adminPassword);
      await page.getByRole('button', { name: 'Save password and sign in' }).click();
      await page.waitForURL(`${server.baseUrl}/profile`);

      await page.goto(`${server.baseUrl}/admin/activity`);
      const list = page.getByRole('list', { name: 'Locked out' });
      const row = list.getByRole('listitem').filter({ hasText: locked.email });
      await visible(row);
      await visible(row.getByText('Account', { exact: true }));
      await visible(row.getByText(`${LOCK_AFTER} failed attempts`));
      await visible(row.getByText(/until .* \(in 15 minutes\)/));
      await visible(
        page
          .getByRole('list', { name: 'Recent lockouts' })
          .getByRole('listitem')
          .filter({ hasText: locked.email })
          .getByText('Account locked after too many attempts'),
      );
      await screenshot(page, 'admin-lockouts');

      // At phone width the row and its button fit.
      const phone = await browser.newContext(PHONE);
      const phonePage = await phone.newPage();
      await signIn(phonePage, { email: server.admin.email, password: adminPassword });
      await phonePage.waitForURL(`${server.baseUrl}/profile`);
      await phonePage.goto(`${server.baseUrl}/admin/activity`);
      await visible(phonePage.getByRole('button', { name: `Unlock ${locked.email}` }));
      await noHorizontalScroll(phonePage);
      await screenshot(phonePage, 'mobile-admin-lockouts');
      await phone.close();

      await row.getByRole('button', { name: `Unlock ${locked.email}` }).click();
      await visible(
        page.getByRole('status').getByText(`${locked.email} can sign in again.`),
      );
      await gone(page.getByRole('button', { name: `Unlock ${locked.email}` }));
      await visible(page.getByText('No one is locked out.'));
      await visible(
        page
          .getByRole('list', { name: 'Recent lockouts' })
          .getByText('Account unlocked by an admin'),
      );
      await screenshot(page, 'admin-lockouts-unlocked');

      const signedIn = await signInApi(locked.password);
      assert.equal(signedIn.status, 200, `after unlock: ${JSON.stringify(signedIn)}`);
      assert.ok(signedIn.body?.sessionJwt, 'a session');

      // The server's list agrees with the page.
      const remaining = await getJson(
        '/v1/mgmt/lockouts',
        `${server.projectId}:${await storage(page, 'DS')}`,
      );
      assert.equal(remaining.status, 200, `lockouts: ${JSON.stringify(remaining)}`);
      assert.deepEqual(remaining.body.lockouts, []);
      await context.close();
    },
  );

  itStayedLocal();
});
