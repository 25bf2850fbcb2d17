// The React app on a server that signs ES256 sessions (`--signing-alg ES256`): the
// official React SDK stores and refreshes the tokens unmodified, and the tutorial's
// protected API (`/get_roles`) accepts them.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import {
  browser,
  createAccount,
  it,
  itStayedLocal,
  server,
  signIn,
  storage,
  unique,
  useServer,
  visible,
} from '../lib/e2e.mjs';

const header = (jwt) =>
  JSON.parse(Buffer.from(jwt.split('.')[0], 'base64url').toString('utf8'));

describe('ES256 sessions in the app', () => {
  useServer('es256', { serverArgs: ['--signing-alg', 'ES256'] });
  const grace = {
    name: 'Grace Hopper',
    email: `grace.${unique}@example.com`,
    password: 'correct horse battery staple',
  };

  it('signs in, shows the teacher profile and dashboard, and refreshes', async () => {
    await createAccount(grace, ['teacher']);
    const page = await (await browser.newContext()).newPage();
    await signIn(page, grace);
    await page.waitForURL(`${server.baseUrl}/profile`);
    await visible(page.getByRole('heading', { level: 1, name: grace.name }));
    await visible(page.getByText('You are now a trained Descope user!'));
    const refresh = await storage(page, 'DSR');
    assert.equal(header(refresh).alg, 'ES256');

    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Dashboard' })
      .click();
    await visible(page.getByRole('heading', { name: 'Teacher view' }));

    // A reload starts from the stored refresh token (the SDK's refresh call).
    await page.reload();
    await visible(page.getByRole('heading', { name: 'Teacher view' }));
    assert.equal(header(await storage(page, 'DSR')).alg, 'ES256');
  });

  itStayedLocal();
});
