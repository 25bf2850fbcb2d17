import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { authProviderProps, setSession, signIn } from '@/testing/descope-mock';
import { CONFIG, fakeApi, sequence } from '@/testing/fake-api';
import { renderApp } from '@/testing/render-app';

describe('app start-up', () => {
  it('shows the page frame while the project config loads, then the page', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    fakeApi();
    const realFetch = globalThis.fetch;
    globalThis.fetch = async (...args: Parameters<typeof fetch>) => {
      await gate;
      return realFetch(...args);
    };
    renderApp('/');
    expect(screen.getByRole('link', { name: 'Gatehouse' })).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('Starting…');
    expect(screen.queryByRole('navigation', { name: 'Main' })).not.toBeInTheDocument();

    release();
    expect(
      await screen.findByRole('heading', {
        name: /sign-in that lives on your own server/i,
      }),
    ).toBeInTheDocument();
    expect(screen.getByRole('navigation', { name: 'Main' })).toBeInTheDocument();
  });

  it('points the SDK at this origin with the project id from the server', async () => {
    fakeApi();
    renderApp('/');
    await screen.findByRole('navigation', { name: 'Main' });
    expect(authProviderProps.at(-1)).toEqual({
      projectId: CONFIG.projectId,
      baseUrl: window.location.origin,
    });
  });

  it('explains when the server cannot be reached, and retries', async () => {
    const api = fakeApi({
      '/gatehouse/config.json': sequence('network-error', { body: CONFIG }),
    });
    renderApp('/');
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Gatehouse is not reachable',
    );

    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await screen.findByRole('navigation', { name: 'Main' });
    expect(api.callsTo('/gatehouse/config.json')).toHaveLength(2);
  });

  it('treats a config without a project id as a failure', async () => {
    fakeApi({ '/gatehouse/config.json': { body: {} } });
    renderApp('/');
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Gatehouse is not reachable',
    );
  });
});

describe('navigation bar', () => {
  it('offers Log in to a signed-out visitor', async () => {
    fakeApi();
    renderApp('/');
    const nav = await screen.findByRole('navigation', { name: 'Main' });
    expect(within(nav).getByRole('link', { name: 'Home' })).toHaveAttribute(
      'aria-current',
      'page',
    );
    expect(within(nav).getByRole('link', { name: 'Log in' })).toHaveAttribute(
      'href',
      '/login',
    );
    expect(within(nav).queryByRole('link', { name: 'Profile' })).not.toBeInTheDocument();
  });

  it('does not repeat Log in on the login page', async () => {
    fakeApi();
    renderApp('/login');
    const nav = await screen.findByRole('navigation', { name: 'Main' });
    await screen.findByRole('heading', { name: 'Sign in' });
    expect(within(nav).queryByRole('link', { name: 'Log in' })).not.toBeInTheDocument();
  });

  it('shows the pages and the name of a signed-in user', async () => {
    fakeApi({ '/get_roles': { body: { secretMessage: 's', roles: [] } } });
    signIn({ name: 'Grace Hopper', email: 'grace@example.com' });
    renderApp('/profile');
    const nav = await screen.findByRole('navigation', { name: 'Main' });
    expect(within(nav).getByRole('link', { name: 'Profile' })).toHaveAttribute(
      'aria-current',
      'page',
    );
    expect(within(nav).getByRole('link', { name: 'Dashboard' })).toBeInTheDocument();
    expect(within(nav).getByText('Grace Hopper')).toBeInTheDocument();
    expect(within(nav).queryByRole('link', { name: 'Log in' })).not.toBeInTheDocument();
  });

  it('shows an Admin link only when the session has the admin role', async () => {
    fakeApi({ '/get_roles': { body: { secretMessage: 's', roles: ['admin'] } } });
    signIn({ name: 'Root', email: 'admin@localhost' }, { roles: ['admin'] });
    renderApp('/profile');
    const nav = await screen.findByRole('navigation', { name: 'Main' });
    expect(within(nav).getByRole('link', { name: 'Admin' })).toHaveAttribute(
      'href',
      '/admin',
    );
  });

  it('hides the Admin link from users without the admin role', async () => {
    fakeApi({ '/get_roles': { body: { secretMessage: 's', roles: ['teacher'] } } });
    signIn({ name: 'Tea Cher', email: 't@example.com' }, { roles: ['teacher'] });
    renderApp('/profile');
    const nav = await screen.findByRole('navigation', { name: 'Main' });
    await within(nav).findByRole('link', { name: 'Dashboard' });
    expect(within(nav).queryByRole('link', { name: 'Admin' })).not.toBeInTheDocument();
  });

  it('shows neither Log in nor a name while the session is being checked', async () => {
    fakeApi();
    setSession({ isSessionLoading: true });
    renderApp('/');
    const nav = await screen.findByRole('navigation', { name: 'Main' });
    expect(within(nav).queryByRole('link', { name: 'Log in' })).not.toBeInTheDocument();
  });
});

describe('home page', () => {
  it('links a signed-out visitor to log in or create an account', async () => {
    fakeApi();
    renderApp('/');
    await screen.findByRole('navigation', { name: 'Main' });
    const main = screen.getByRole('main');
    await waitFor(() =>
      expect(within(main).getByRole('link', { name: 'Log in' })).toHaveAttribute(
        'href',
        '/login',
      ),
    );
    expect(within(main).getByRole('link', { name: 'Create an account' })).toHaveAttribute(
      'href',
      '/login?mode=signup',
    );
  });

  it('links a signed-in user to their profile', async () => {
    fakeApi();
    signIn();
    renderApp('/');
    await screen.findByRole('navigation', { name: 'Main' });
    const main = screen.getByRole('main');
    await waitFor(() =>
      expect(
        within(main).getByRole('link', { name: 'Go to your profile' }),
      ).toHaveAttribute('href', '/profile'),
    );
    expect(within(main).queryByRole('link', { name: 'Log in' })).not.toBeInTheDocument();
  });

  it('holds the space of the buttons while the session is checked', async () => {
    fakeApi();
    setSession({ isSessionLoading: true });
    renderApp('/');
    await screen.findByRole('navigation', { name: 'Main' });
    const main = screen.getByRole('main');
    await within(main).findByRole('heading', { level: 1 });
    expect(within(main).queryByRole('link', { name: 'Log in' })).not.toBeInTheDocument();
    expect(main.querySelector('.home__cta-placeholder')).not.toBeNull();
  });
});

describe('unknown paths', () => {
  it('shows a not-found page inside the normal layout', async () => {
    fakeApi();
    renderApp('/no/such/page');
    expect(
      await screen.findByRole('heading', { name: 'Page not found' }),
    ).toBeInTheDocument();
    expect(screen.getByText('/no/such/page')).toBeInTheDocument();
    expect(screen.getByRole('navigation', { name: 'Main' })).toBeInTheDocument();
    expect(document.title).toBe('Page not found · Gatehouse');
    expect(screen.getByRole('link', { name: 'Back to the home page' })).toHaveAttribute(
      'href',
      '/',
    );
  });
});
