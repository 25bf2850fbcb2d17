// Pages that anyone sees (home, not found) and the signed-in pages at phone width.
import { describe } from 'node:test';
import {
  PHONE,
  createAccount,
  it,
  itStayedLocal,
  noHorizontalScroll,
  screenshot,
  server,
  browser,
  signIn,
  teacher,
  useServer,
  visible,
} from '../lib/e2e.mjs';

describe('layout', () => {
  useServer('layout');

  it('home page explains the app and links to log in', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/`);
    await visible(
      page.getByRole('heading', { name: /sign-in that lives on your own server/i }),
    );
    const main = page.getByRole('main');
    await visible(main.getByRole('link', { name: 'Log in', exact: true }));
    await visible(page.getByRole('navigation', { name: 'Main' }));
    await screenshot(page, 'home');
    await context.close();
  });

  it('an unknown path shows a not-found page', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/no/such/page`);
    await visible(page.getByRole('heading', { name: 'Page not found' }));
    await visible(page.getByRole('navigation', { name: 'Main' }));
    await screenshot(page, 'not-found');
    await context.close();
  });

  it('pages read well at phone width', async () => {
    // A teacher account, so the dashboard has its full (teacher) content.
    await createAccount(teacher, ['teacher']);
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/`);
    await visible(page.getByRole('heading', { level: 1 }));
    await noHorizontalScroll(page);
    await screenshot(page, 'mobile-home');

    await page.goto(`${server.baseUrl}/login`);
    await visible(page.getByLabel('Email', { exact: true }));
    await noHorizontalScroll(page);
    await screenshot(page, 'mobile-login');

    await signIn(page, teacher);
    await page.waitForURL(`${server.baseUrl}/profile`);
    await visible(page.getByText('You are now a trained Descope user!'));
    await noHorizontalScroll(page);
    await screenshot(page, 'mobile-profile');

    await page.goto(`${server.baseUrl}/dashboard`);
    await visible(page.getByRole('heading', { name: 'Teacher view' }));
    await noHorizontalScroll(page);
    await screenshot(page, 'mobile-dashboard');
    await context.close();
  });

  itStayedLocal();
});
