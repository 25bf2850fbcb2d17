// Passkeys in Chromium with a virtual authenticator (CDP WebAuthn domain: ctap2,
// internal, resident keys, user verification): sign up with a passkey on /login,
// log out, sign in with the same passkey (with the email, then without); an admin
// then removes it in the console. The pages are served at http://localhost:<port>
// (the server's own origin; "localhost" is the RP ID and a secure context, unlike
// an IP address).
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import {
  browser,
  gone,
  it,
  itStayedLocal,
  screenshot,
  server,
  signInFirstAdmin,
  storage,
  unique,
  useServer,
  visible,
} from '../lib/e2e.mjs';

const email = `pia.${unique}@example.com`;

async function continueWithPasskey(page) {
  await page.goto(`${server.baseUrl}/login`);
  await page.getByRole('button', { name: 'Passkey', exact: true }).click();
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByRole('button', { name: 'Continue with a passkey' }).click();
}

describe('passkey', () => {
  useServer('passkey', { host: 'localhost' });

  it('signs up with a passkey, logs out, signs in with it', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
      },
    });

    await continueWithPasskey(page);
    await page.waitForURL(`${server.baseUrl}/profile`);
    await visible(page.getByText(email).first());
    const { credentials } = await cdp.send('WebAuthn.getCredentials', {
      authenticatorId,
    });
    assert.equal(credentials.length, 1, 'the authenticator holds one passkey');
    assert.equal(credentials[0].rpId, 'localhost');
    await screenshot(page, 'passkey-profile');

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(`${server.baseUrl}/login`);
    assert.equal(await storage(page, 'DSR'), null, 'signed out');

    await continueWithPasskey(page);
    await page.waitForURL(`${server.baseUrl}/profile`);
    await visible(page.getByText(email).first());
    const after = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    assert.ok(after.credentials[0].signCount >= 1, 'the passkey was used to sign in');

    // Without an email: the browser offers the passkey it holds (discoverable).
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(`${server.baseUrl}/login`);
    await page.getByRole('button', { name: 'Passkey', exact: true }).click();
    await page
      .getByRole('button', { name: 'Sign in with a saved passkey, no email' })
      .click();
    await page.waitForURL(`${server.baseUrl}/profile`);
    await visible(page.getByText(email).first());
    await context.close();
  });

  it(
    'an admin sees the passkey in the console and removes it',
    { needs: ['signs up with a passkey, logs out, signs in with it'] },
    async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await signInFirstAdmin(page);
      await page.goto(`${server.baseUrl}/admin/users`);
      await page.getByRole('searchbox', { name: 'Search users' }).fill(email);
      await page.getByRole('button', { name: `Manage ${email}` }).click();
      const methods = await visible(page.getByRole('list', { name: 'Sign-in methods' }));
      assert.match(await methods.innerText(), /Passkeys/);
      await screenshot(page, 'admin-user-passkeys');
      await page.getByRole('button', { name: 'Remove passkeys' }).click();
      await page
        .getByRole('group', { name: 'Confirm' })
        .getByRole('button', { name: 'Remove' })
        .click();
      await visible(page.getByText(/passkeys are removed/));
      await gone(page.getByRole('button', { name: 'Remove passkeys' }));
      await context.close();
    },
  );

  itStayedLocal();
});
