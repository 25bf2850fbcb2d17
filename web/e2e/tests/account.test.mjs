// The /account page in Chromium: a password account adds a passkey (virtual
// authenticator over CDP) and signs in with it, changes its email with a code
// sent to the new address (read from the dev mailbox), changes its password,
// and sees its recent sign-ins (or that the server keeps none). Served at
// http://localhost:<port> for the passkey (see passkey.test.mjs).
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import {
  browser,
  createAccount,
  it,
  itStayedLocal,
  screenshot,
  server,
  signIn,
  unique,
  useServer,
  visible,
  waitForMail,
} from '../lib/e2e.mjs';

const account = {
  name: 'Ann Account',
  email: `ann.${unique}@example.com`,
  password: 'a long enough password',
};
const newEmail = `ann.new.${unique}@example.com`;
const newPassword = 'another long passphrase';

async function logOut(page) {
  await page.goto(`${server.baseUrl}/profile`);
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.waitForURL(`${server.baseUrl}/login`);
}

describe('account', () => {
  useServer('account', { host: 'localhost' });
  const session = {};

  it('adds a passkey on /account, then signs in with it', async () => {
    await createAccount(account);
    const context = await browser.newContext();
    const page = await context.newPage();
    session.context = context;
    session.page = page;
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
      },
    });
    await signIn(page, account);
    await page.waitForURL(`${server.baseUrl}/profile`);
    await page.getByRole('link', { name: 'Account settings' }).click();
    await page.waitForURL(`${server.baseUrl}/account`);
    await visible(page.getByText('No passkey yet.'));
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await visible(page.getByText('Your passkey is added.'));
    await visible(page.getByText(/You have a passkey/));
    await screenshot(page, 'account');

    await logOut(page);
    await page.getByRole('button', { name: 'Passkey', exact: true }).click();
    await page.getByLabel('Email', { exact: true }).fill(account.email);
    await page.getByRole('button', { name: 'Continue with a passkey' }).click();
    await page.waitForURL(`${server.baseUrl}/profile`);
    await visible(page.getByRole('heading', { name: account.name }));
  });

  it(
    'changes the email with a code sent to the new address',
    { needs: ['adds a passkey on /account, then signs in with it'] },
    async () => {
      const { page } = session;
      await page.goto(`${server.baseUrl}/account`);
      const since = Date.now() - 1000;
      await page.getByLabel('New email').fill(newEmail);
      await page.getByRole('button', { name: 'Send a code to the new address' }).click();
      const field = await visible(page.getByLabel('Code sent to the new address'));
      const mail = await waitForMail(newEmail, since);
      const code = /sign-in code is: (\d{6})/.exec(mail.text)?.[1];
      assert.ok(code, mail.text);
      await field.fill(code);
      await page.getByRole('button', { name: 'Confirm new email' }).click();
      await visible(page.getByText(`Your email is now ${newEmail}.`));
    },
  );

  it(
    'changes the password; the new one signs in',
    { needs: ['adds a passkey on /account, then signs in with it'] },
    async () => {
      const { page } = session;
      await page.goto(`${server.baseUrl}/account`);
      await page.getByLabel('New password', { exact: true }).fill(newPassword);
      await page.getByLabel('Confirm new password', { exact: true }).fill(newPassword);
      await page.getByRole('button', { name: 'Change password' }).click();
      await visible(page.getByText('Your password is changed.'));
      await logOut(page);
      await signIn(page, { email: account.email, password: newPassword });
      await page.waitForURL(`${server.baseUrl}/profile`);
    },
  );

  it(
    'shows recent sign-ins, or that the server keeps none',
    { needs: ['changes the password; the new one signs in'] },
    async () => {
      const { page } = session;
      await page.goto(`${server.baseUrl}/account`);
      const list = page.getByRole('list', { name: 'Recent sign-ins' });
      const none = page.getByText('This server does not keep a sign-in history yet.');
      await visible(list.or(none));
      if (await list.isVisible()) {
        assert.ok((await list.getByRole('listitem').count()) >= 1);
      }
      await session.context.close();
    },
  );

  itStayedLocal();
});
