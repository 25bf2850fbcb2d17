// A new account from sign-up on: the profile and the dashboard before and after
// the account gets a role. The tests run in order on one page and build on each
// other (`needs`).
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import {
  browser,
  it,
  itStayedLocal,
  screenshot,
  server,
  signUp,
  storage,
  teacher,
  useServer,
  visible,
} from '../lib/e2e.mjs';

describe('profile and dashboard', () => {
  useServer('profile-dashboard');
  let page; // the new user's page, from sign-up on

  it('sign up leads to the profile with the name and no role', async () => {
    const context = await browser.newContext();
    page = await context.newPage();

    await page.goto(`${server.baseUrl}/login`);
    await visible(page.getByRole('heading', { name: 'Sign in', exact: true }));
    await screenshot(page, 'login');
    await page.getByRole('button', { name: 'Create an account' }).click();
    await screenshot(page, 'signup');

    await signUp(page, teacher);
    await page.waitForURL(`${server.baseUrl}/profile`);
    await visible(page.getByRole('heading', { level: 1, name: teacher.name }));
    await visible(page.getByText(teacher.email, { exact: true }));
    await visible(page.getByText('You are now a trained Descope user!'));
    await visible(page.getByText('No role yet.'));
    assert.ok(await storage(page, 'DSR'), 'refresh token stored');
    await screenshot(page, 'profile');

    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Dashboard' })
      .click();
    await visible(page.getByRole('heading', { name: 'No role yet' }));
    await visible(
      page.getByText(`gatehouse user set-roles --data DIR ${teacher.email} teacher`),
    );
    await screenshot(page, 'dashboard-no-role');
  });

  it(
    'a role granted with the CLI shows the teacher view after a reload',
    { needs: ['sign up leads to the profile with the name and no role'] },
    async () => {
      const out = await server.cli('user', 'set-roles', teacher.email, 'teacher');
      assert.match(out, /teacher/);
      await page.reload();
      await visible(page.getByRole('heading', { name: 'Teacher view' }));
      assert.equal(await page.getByRole('heading', { name: 'Student view' }).count(), 0);
      await screenshot(page, 'dashboard-teacher');

      await page
        .getByRole('navigation', { name: 'Main' })
        .getByRole('link', { name: 'Profile' })
        .click();
      await visible(page.getByRole('list', { name: 'Your roles' }).getByText('teacher'));
    },
  );

  itStayedLocal();
});
