// The login form: sign-in and sign-up errors, and the form from the keyboard.
import assert from 'node:assert/strict';
import { before, describe } from 'node:test';
import {
  browser,
  createAccount,
  it,
  itStayedLocal,
  screenshot,
  server,
  signIn,
  signUp,
  unique,
  teacher,
  useServer,
  visible,
} from '../lib/e2e.mjs';

describe('auth', () => {
  useServer('auth');
  // An existing account with the teacher role, for the wrong-password and the
  // account-exists cases.
  before(() => createAccount(teacher, ['teacher']));

  it('a wrong password shows an error next to the form', async () => {
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
  });

  it('sign-up errors are readable: account exists, weak password', async () => {
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

  it('the login form works from the keyboard with a visible focus ring', async () => {
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

  itStayedLocal();
});
