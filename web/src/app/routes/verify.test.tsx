import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { fail, ok, sdk, signIn } from '@/testing/descope-mock';
import { fakeApi } from '@/testing/fake-api';
import { renderApp } from '@/testing/render-app';

const ROLES = { '/get_roles': { body: { secretMessage: 'hi', roles: [] } } };

describe('/verify', () => {
  it('verifies the link’s token once and goes to the profile', async () => {
    fakeApi(ROLES);
    sdk.magicLink.verify.mockImplementation(async () => {
      signIn({ name: 'Ada Lovelace', email: 'ada@example.com' });
      return ok({});
    });
    const { router } = renderApp('/verify?t=tok123');
    await waitFor(() => expect(router.state.location.pathname).toBe('/profile'));
    expect(sdk.magicLink.verify).toHaveBeenCalledTimes(1);
    expect(sdk.magicLink.verify).toHaveBeenCalledWith('tok123');
  });

  it('sends a reset link without a redirect URL (/reset-password) on to a new password', async () => {
    fakeApi(ROLES);
    sdk.magicLink.verify.mockImplementation(async () => {
      signIn({ name: 'Ada Lovelace', email: 'ada@example.com' });
      return ok({});
    });
    const { router } = renderApp('/reset-password?t=tok456');
    await waitFor(() => expect(router.state.location.pathname).toBe('/account'));
    expect(router.state.location.search).toBe('?reset=1');
    expect(sdk.magicLink.verify).toHaveBeenCalledWith('tok456');
  });

  it('explains an expired or used link', async () => {
    fakeApi();
    sdk.magicLink.verify.mockResolvedValue(fail(401, { errorCode: 'E063010' }));
    renderApp('/verify?t=old');
    expect(
      await screen.findByRole('heading', { name: 'This link did not work' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent('expired or was already used');
    expect(screen.getByRole('link', { name: 'Go to sign in' })).toHaveAttribute(
      'href',
      '/login',
    );
  });

  it('says a link without its token is incomplete, without calling the server', async () => {
    fakeApi();
    renderApp('/verify');
    expect(await screen.findByRole('alert')).toHaveTextContent('incomplete');
    expect(sdk.magicLink.verify).not.toHaveBeenCalled();
  });

  it('explains a network failure', async () => {
    fakeApi();
    sdk.magicLink.verify.mockRejectedValue(new TypeError('Failed to fetch'));
    renderApp('/verify?t=tok');
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not reach');
  });
});
