// Resetting a forgotten password: asked for with "Forgot password?" on /login
// in one browser context, the emailed link opened in a second context (another
// browser, no shared storage) that lands signed in on /account?reset=1, where
// a new password is chosen; then the new password signs in, the old one is
// refused, and the used link fails with a readable message. Served at
// http://localhost:<port>, the server's own origin, where its links may point.
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
  storage,
  unique,
  useServer,
  visible,
  waitForMail,
} from '../lib/e2e.mjs';

const account = {
  name: 'Rita Reset',
  email: `rita.${unique}@example.com`,
  password: 'the forgotten password',
};
const newPassword = 'a freshly chosen passphrase';

describe('reset', () => {
  useServer('reset', { host: 'localhost' });
  let link;

  it('asks for a reset link on /login and chooses a new password from it in a second browser context', async () => {
    await createAccount(account);
    const asking = await browser.newContext();
    const page = await asking.newPage();
    const since = Date.now() - 1000;
    await page.goto(`${server.baseUrl}/login`);
    await page.getByRole('button', { name: 'Forgot password?' }).click();
    await visible(page.getByRole('heading', { name: 'Reset your password' }));
    await page.getByLabel('Email', { exact: true }).fill(account.email);
    await page.getByRole('button', { name: 'Email me a reset link' }).click();
    await visible(page.getByText('Check your email'));
    await screenshot(page, 'reset-sent');
    assert.equal(await storage(page, 'DS'), null, 'the asking browser is not signed in');

    const mail = await waitForMail(account.email, since);
    link = /(http\S+\/verify\?\S+)/.exec(mail.text)?.[1];
    assert.ok(link, `a /verify link in: ${mail.text}`);
    assert.ok(link.startsWith(`${server.baseUrl}/verify?reset=1&t=`), link);

    const other = await browser.newContext();
    const opened = await other.newPage();
    await opened.goto(link);
    await opened.waitForURL(`${server.baseUrl}/account?reset=1`);
    await visible(
      opened.getByText('You signed in with a reset link: choose a new password.'),
    );
    assert.ok(await storage(opened, 'DSR'), 'the second browser holds the session');
    await opened.getByLabel('New password', { exact: true }).fill(newPassword);
    await opened.getByLabel('Confirm new password', { exact: true }).fill(newPassword);
    await opened.getByRole('button', { name: /^(Change|Set) password$/ }).click();
    await visible(opened.getByText('Your password is changed.'));
    await screenshot(opened, 'reset-account');

    await opened.goto(`${server.baseUrl}/profile`);
    await opened.getByRole('button', { name: 'Log out' }).click();
    await opened.waitForURL(`${server.baseUrl}/login`);
    await other.close();
    await asking.close();
  });

  it(
    'the new password signs in; the old one is refused',
    {
      needs: [
        'asks for a reset link on /login and chooses a new password from it in a second browser context',
      ],
    },
    async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await signIn(page, { email: account.email, password: account.password });
      const alert = await visible(page.getByRole('alert'));
      assert.match(await alert.innerText(), /Wrong email or password/);
      assert.equal(new URL(page.url()).pathname, '/login');

      await signIn(page, { email: account.email, password: newPassword });
      await page.waitForURL(`${server.baseUrl}/profile`);
      await visible(page.getByRole('heading', { name: account.name }));
      await context.close();
    },
  );

  it(
    'a used reset link says it did not work',
    {
      needs: [
        'asks for a reset link on /login and chooses a new password from it in a second browser context',
      ],
    },
    async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(link);
      await visible(page.getByRole('heading', { name: 'This link did not work' }));
      assert.match(
        await page.getByRole('alert').innerText(),
        /expired or was already used/,
      );
      assert.equal(await storage(page, 'DSR'), null, 'not signed in');
      await context.close();
    },
  );

  itStayedLocal();
});
