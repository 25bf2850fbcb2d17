// Signing in with a link sent by email: asked for in one browser context on
// /login, opened in a second context (another browser, no shared storage) that
// lands signed in on /profile; the used link then fails with a readable message.
// The pages are served at http://localhost:<port>, the server's own origin,
// which is where its magic links may point (--redirect-origins default).
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import {
  browser,
  createAccount,
  it,
  itStayedLocal,
  screenshot,
  server,
  storage,
  unique,
  useServer,
  visible,
  waitForMail,
} from '../lib/e2e.mjs';

const account = {
  name: 'Mia Link',
  email: `mia.${unique}@example.com`,
  password: 'a long enough password',
};

describe('magiclink', () => {
  useServer('magiclink', { host: 'localhost' });
  let link;

  it('asks for a link on /login and opens it in a second browser context', async () => {
    await createAccount(account);
    const asking = await browser.newContext();
    const page = await asking.newPage();
    const since = Date.now() - 1000;
    await page.goto(`${server.baseUrl}/login`);
    await page.getByRole('button', { name: 'Email link', exact: true }).click();
    await page.getByLabel('Email', { exact: true }).fill(account.email);
    await page.getByRole('button', { name: 'Email me a link' }).click();
    await visible(page.getByText('Check your email'));
    await screenshot(page, 'magiclink-sent');
    assert.equal(await storage(page, 'DS'), null, 'the asking browser is not signed in');

    const mail = await waitForMail(account.email, since);
    link = /(http\S+\/verify\?t=\S+)/.exec(mail.text)?.[1];
    assert.ok(link, `a /verify link in: ${mail.text}`);
    assert.ok(link.startsWith(`${server.baseUrl}/verify?t=`), link);

    const other = await browser.newContext();
    const opened = await other.newPage();
    await opened.goto(link);
    await opened.waitForURL(`${server.baseUrl}/profile`);
    await visible(opened.getByRole('heading', { name: account.name }));
    assert.ok(await storage(opened, 'DSR'), 'the second browser holds the session');
    await screenshot(opened, 'magiclink-profile');
    await other.close();
    await asking.close();
  });

  it(
    'a used link says it did not work',
    { needs: ['asks for a link on /login and opens it in a second browser context'] },
    async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(link);
      await visible(page.getByRole('heading', { name: 'This link did not work' }));
      assert.match(
        await page.getByRole('alert').innerText(),
        /expired or was already used/,
      );
      await page.getByRole('link', { name: 'Go to sign in' }).click();
      await page.waitForURL(`${server.baseUrl}/login`);
      await context.close();
    },
  );

  itStayedLocal();
});
