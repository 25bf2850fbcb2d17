// Signing up with a code sent by email, from the Login page: the code is read
// from the dev mailbox (GET /v1/mgmt/dev/mailbox), as a newcomer without a mail
// server would; a wrong code is refused, the right one lands on /profile, and a
// second sign-in (now an existing account) works the same way.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import {
  browser,
  it,
  itStayedLocal,
  screenshot,
  server,
  unique,
  useServer,
  visible,
  waitForMail,
} from '../lib/e2e.mjs';

const email = `otto.${unique}@example.com`;

async function emailCode(page) {
  const since = Date.now() - 1000;
  await page.goto(`${server.baseUrl}/login`);
  await page.getByRole('button', { name: 'Email code', exact: true }).click();
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByRole('button', { name: 'Email me a code' }).click();
  await visible(page.getByLabel('Code from the email'));
  const mail = await waitForMail(email, since);
  const code = /sign-in code is: (\d{6})/.exec(mail.text)?.[1];
  assert.ok(code, `a 6-digit code in: ${mail.text}`);
  return code;
}

describe('otp', () => {
  useServer('otp');

  it('signs up with an emailed code from the login page', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const code = await emailCode(page);
    await screenshot(page, 'otp-code');
    const wrong = code === '000000' ? '000001' : '000000';
    await page.getByLabel('Code from the email').fill(wrong);
    await page.getByRole('button', { name: 'Sign in with the code' }).click();
    assert.match(await (await visible(page.getByRole('alert'))).innerText(), /not right/);

    await page.getByLabel('Code from the email').fill(code);
    await page.getByRole('button', { name: 'Sign in with the code' }).click();
    await page.waitForURL(`${server.baseUrl}/profile`);
    await visible(page.getByText(email).first());
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(`${server.baseUrl}/login`);
    await context.close();
  });

  it(
    'signs in again with a new code',
    { needs: ['signs up with an emailed code from the login page'] },
    async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      const code = await emailCode(page);
      await page.getByLabel('Code from the email').fill(code);
      await page.getByRole('button', { name: 'Sign in with the code' }).click();
      await page.waitForURL(`${server.baseUrl}/profile`);
      await context.close();
    },
  );

  itStayedLocal();
});
