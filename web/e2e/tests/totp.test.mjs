// An authenticator app in Chromium: set up on the Profile page (the QR code and the
// key, confirmed with a first code), then a password sign-in that asks for the code, computed here (RFC 6238 with
// node's HMAC-SHA1) from the key the page showed.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { before, describe } from 'node:test';
import {
  browser,
  createAccount,
  it,
  screenshot,
  server,
  signIn,
  unique,
  useServer,
  visible,
} from '../lib/e2e.mjs';

function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of text.replace(/=+$/, '').toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

function totp(key, unixTime = Date.now() / 1000) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixTime / 30)));
  const mac = createHmac('sha1', base32Decode(key)).update(counter).digest();
  const binary = mac.readUInt32BE(mac[19] & 0x0f) & 0x7fffffff;
  return String(binary % 1_000_000).padStart(6, '0');
}

describe('totp', () => {
  useServer('totp');
  const account = {
    name: 'Tia Totp',
    email: `tia.${unique}@example.com`,
    password: 'a long enough password',
  };
  before(() => createAccount(account));

  it('set up on the profile page, then the password sign-in asks for the code', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, account);
    await page.waitForURL(`${server.baseUrl}/profile`);
    await page.getByRole('button', { name: 'Set up authenticator app' }).click();
    const qr = await visible(
      page.getByRole('img', { name: 'QR code for your authenticator app' }),
    );
    assert.ok(await qr.evaluate((img) => img.complete && img.naturalWidth > 100));
    const key = (await page.getByLabel('Authenticator key').innerText()).trim();
    assert.match(key, /^[A-Z2-7]{32}$/);
    await screenshot(page, 'totp-enrolled');
    // The previous step's code confirms the app, leaving the current one for the sign-in.
    // The server takes one step either side of its own: near a step's end the confirm
    // could reach it in the next step, two away (CI saw that once), so wait for a fresh one.
    const left = 30 - ((Date.now() / 1000) % 30);
    if (left < 5) await new Promise((resolve) => setTimeout(resolve, left * 1000 + 250));
    await page.getByLabel('Code from the app').fill(totp(key, Date.now() / 1000 - 30));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await visible(page.getByText('Your authenticator app is set up'));

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(`${server.baseUrl}/login`);
    await signIn(page, account);
    const code = await visible(page.getByLabel('Authenticator code'));
    await screenshot(page, 'totp-code');
    await code.fill('000000' === totp(key) ? '000001' : '000000');
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
    assert.match(await (await visible(page.getByRole('alert'))).innerText(), /not right/);

    await code.fill(totp(key));
    await page.getByRole('button', { name: 'Verify and sign in' }).click();
    await page.waitForURL(`${server.baseUrl}/profile`);
    await visible(page.getByRole('heading', { name: account.name }));
    await context.close();
  });
});
