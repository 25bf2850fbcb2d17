// The admin console's Dev mailbox, as a newcomer without a mail server uses it:
// a visitor asks for an email code on /login, the admin reads the code on
// /admin/mailbox, and the visitor signs in with it.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import {
  browser,
  it,
  itStayedLocal,
  noHorizontalScroll,
  PHONE,
  screenshot,
  server,
  signIn,
  signInFirstAdmin,
  unique,
  useServer,
  visible,
} from '../lib/e2e.mjs';

const ADMIN_PASSWORD = 'a brand new console passphrase';
const email = `nell.${unique}@example.com`;

describe('mailbox', () => {
  useServer('mailbox');

  it('a code read on /admin/mailbox signs the visitor in', async () => {
    const visitorContext = await browser.newContext();
    const visitor = await visitorContext.newPage();
    await visitor.goto(`${server.baseUrl}/login`);
    await visitor.getByRole('button', { name: 'Email code', exact: true }).click();
    await visitor.getByLabel('Email', { exact: true }).fill(email);
    await visitor.getByRole('button', { name: 'Email me a code' }).click();
    await visible(visitor.getByLabel('Code from the email'));

    const adminContext = await browser.newContext();
    const admin = await adminContext.newPage();
    await signInFirstAdmin(admin, ADMIN_PASSWORD);
    await admin.goto(`${server.baseUrl}/admin/mailbox`);
    const messages = admin.getByRole('list', { name: 'Messages' });
    const mail = await visible(messages.getByRole('listitem').filter({ hasText: email }));
    assert.match(await mail.innerText(), /Your Gatehouse code/);
    const code = (await mail.locator('strong.admin-mail__code').innerText()).trim();
    assert.match(code, /^\d{6}$/);
    await screenshot(admin, 'admin-mailbox');

    await visitor.getByLabel('Code from the email').fill(code);
    await visitor.getByRole('button', { name: 'Sign in with the code' }).click();
    await visitor.waitForURL(`${server.baseUrl}/profile`);
    await visible(visitor.getByText(email).first());

    // Phone width: the page still fits.
    const phoneContext = await browser.newContext(PHONE);
    const phone = await phoneContext.newPage();
    await signIn(phone, { email: server.admin.email, password: ADMIN_PASSWORD });
    await phone.waitForURL(`${server.baseUrl}/profile`);
    await phone.goto(`${server.baseUrl}/admin/mailbox`);
    await visible(phone.getByRole('list', { name: 'Messages' }));
    await noHorizontalScroll(phone);
    await screenshot(phone, 'mobile-admin-mailbox');
    await phoneContext.close();
    await adminContext.close();
    await visitorContext.close();
  });

  itStayedLocal();
});
