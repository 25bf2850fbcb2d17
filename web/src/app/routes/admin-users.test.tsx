import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeMgmt, user } from '@/testing/admin-fixtures';
import { signInAdmin } from '@/testing/descope-mock';
import { jsonBody, sequence } from '@/testing/fake-api';
import { renderApp } from '@/testing/render-app';

const NOW = Math.floor(Date.now() / 1000);
const sam = user('sam@example.com', {
  name: 'Sam Student',
  roleNames: ['student'],
  lastLogin: NOW - 3 * 3600,
});
const ada = user('ada@example.com', { name: 'Ada Lovelace', roleNames: ['teacher'] });

async function openUsers(users = [sam, ada], routes = {}) {
  const api = fakeMgmt({ users, routes });
  signInAdmin();
  const view = renderApp('/admin/users');
  return { api, ...view };
}

async function manage(email: string, name = email === sam.email ? sam.name : email) {
  await userEvent.click(await screen.findByRole('button', { name: `Manage ${email}` }));
  return screen.findByRole('region', { name });
}

describe('/admin/users', () => {
  it('shows placeholders while users load', async () => {
    fakeMgmt({ routes: { '/v2/mgmt/user/search': () => new Promise(() => {}) } });
    signInAdmin();
    renderApp('/admin/users');
    expect(await screen.findByLabelText('Loading users')).toHaveAttribute(
      'aria-busy',
      'true',
    );
  });

  it('lists users with their roles, status and last sign-in', async () => {
    const { api } = await openUsers();
    const row = (await screen.findByText('Sam Student')).closest('tr')!;
    expect(within(row).getByText('sam@example.com')).toBeInTheDocument();
    expect(
      within(row).getByRole('list', { name: 'Roles of sam@example.com' }),
    ).toHaveTextContent('student');
    expect(within(row).getByText('Active')).toBeInTheDocument();
    expect(within(row).getByText('3 hours ago')).toBeInTheDocument();
    const adaRow = screen.getByText('Ada Lovelace').closest('tr')!;
    expect(within(adaRow).getByText('Never')).toBeInTheDocument();
    expect(screen.getByText(/1–2 of 2 users/)).toBeInTheDocument();
    expect(await jsonBody(api.callsTo('/v2/mgmt/user/search')[0]!)).toEqual({
      text: '',
      limit: 20,
      page: 0,
    });
  });

  it('says when there are no users', async () => {
    await openUsers([]);
    expect(await screen.findByText('No users yet.')).toBeInTheDocument();
  });

  it('searches by email or name as the admin types', async () => {
    const { api, router } = await openUsers();
    await screen.findByText('Sam Student');
    await userEvent.type(screen.getByRole('searchbox', { name: 'Search users' }), 'ada');
    await waitFor(() => expect(screen.queryByText('Sam Student')).toBeNull());
    expect(screen.getByText('Ada Lovelace')).toBeInTheDocument();
    expect(router.state.location.search).toBe('?q=ada');
    const last = api.callsTo('/v2/mgmt/user/search').at(-1)!;
    expect(await jsonBody(last)).toMatchObject({ text: 'ada', page: 0 });
  });

  it('clears the search when the Users tab is opened again', async () => {
    const { router } = await openUsers();
    const box = await screen.findByRole('searchbox', { name: 'Search users' });
    await userEvent.type(box, 'ada{Enter}');
    await waitFor(() => expect(screen.queryByText('Sam Student')).toBeNull());
    await userEvent.click(
      within(screen.getByRole('navigation', { name: 'Admin sections' })).getByRole(
        'link',
        { name: 'Users' },
      ),
    );
    expect(await screen.findByText('Sam Student')).toBeInTheDocument();
    expect(box).toHaveValue('');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(router.state.location.search).toBe('');
  });

  it('says when nothing matches the search', async () => {
    await openUsers();
    await screen.findByText('Sam Student');
    await userEvent.type(
      screen.getByRole('searchbox', { name: 'Search users' }),
      'zzz{Enter}',
    );
    expect(await screen.findByText('No users match “zzz”.')).toBeInTheDocument();
  });

  it('pages through many users', async () => {
    const many = Array.from({ length: 45 }, (_, i) =>
      user(`user${String(i).padStart(2, '0')}@example.com`),
    );
    const { api } = await openUsers(many);
    expect(await screen.findByText(/1–20 of 45 users/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Previous' })).toBeDisabled();
    await userEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByText(/21–40 of 45 users/)).toBeInTheDocument();
    expect(screen.getByText('Page 2 of 3')).toBeInTheDocument();
    expect(await jsonBody(api.callsTo('/v2/mgmt/user/search').at(-1)!)).toMatchObject({
      page: 1,
    });
    await userEvent.click(screen.getByRole('button', { name: 'Next' }));
    expect(await screen.findByText(/41–45 of 45 users/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Next' })).toBeDisabled();
  });

  it('explains a failure to load and retries', async () => {
    await openUsers([sam], {
      '/v2/mgmt/user/search': sequence('network-error', {
        body: { users: [sam], total: 1 },
      }),
    });
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The server did not answer',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('Sam Student')).toBeInTheDocument();
  });

  it('changes a user’s roles', async () => {
    const { api } = await openUsers();
    const panel = await manage(sam.email);
    expect(within(panel).getByRole('checkbox', { name: 'student' })).toBeChecked();
    const save = within(panel).getByRole('button', { name: 'Save roles' });
    expect(save).toBeDisabled();
    await userEvent.click(within(panel).getByRole('checkbox', { name: 'teacher' }));
    await userEvent.click(within(panel).getByRole('checkbox', { name: 'student' }));
    await userEvent.click(save);
    expect(await within(panel).findByRole('status')).toHaveTextContent(
      'Roles saved. Sam Student gets them at their next session refresh or page reload.',
    );
    expect(await jsonBody(api.callsTo('/v1/mgmt/user/update/role/set')[0]!)).toEqual({
      loginId: 'sam@example.com',
      roleNames: ['teacher'],
    });
    const row = screen.getByText('Sam Student', { selector: '.admin-table__name' });
    expect(
      within(row.closest('tr')!).getByRole('list', { name: 'Roles of sam@example.com' }),
    ).toHaveTextContent('teacher');
    expect(within(panel).getByRole('button', { name: 'Save roles' })).toBeDisabled();
  });

  it('shows the server’s reason when a change fails', async () => {
    await openUsers([sam], {
      '/v1/mgmt/user/update/role/set': {
        status: 400,
        body: { errorCode: 'E011003', errorMessage: 'unknown role: ghost' },
      },
    });
    const panel = await manage(sam.email);
    await userEvent.click(within(panel).getByRole('checkbox', { name: 'teacher' }));
    await userEvent.click(within(panel).getByRole('button', { name: 'Save roles' }));
    expect(await within(panel).findByRole('alert')).toHaveTextContent(
      'unknown role: ghost',
    );
  });

  it('deactivates a user after confirmation, then activates them again', async () => {
    const { api } = await openUsers();
    const panel = await manage(sam.email);
    await userEvent.click(within(panel).getByRole('button', { name: 'Deactivate' }));
    const confirm = within(panel).getByRole('group', { name: 'Confirm' });
    expect(confirm).toHaveTextContent('Deactivate Sam Student?');
    expect(api.callsTo('/v1/mgmt/user/update/status')).toHaveLength(0);
    await userEvent.click(within(confirm).getByRole('button', { name: 'Deactivate' }));
    expect(await within(panel).findByRole('status')).toHaveTextContent(
      'Sam Student is deactivated',
    );
    expect(within(panel).getByText('Deactivated')).toBeInTheDocument();
    expect(await jsonBody(api.callsTo('/v1/mgmt/user/update/status')[0]!)).toEqual({
      loginId: 'sam@example.com',
      status: 'disabled',
    });

    await userEvent.click(within(panel).getByRole('button', { name: 'Activate' }));
    expect(await within(panel).findByRole('status')).toHaveTextContent(
      'Sam Student is active again',
    );
    expect(await jsonBody(api.callsTo('/v1/mgmt/user/update/status')[1]!)).toEqual({
      loginId: 'sam@example.com',
      status: 'enabled',
    });
  });

  it('can cancel a deactivation', async () => {
    const { api } = await openUsers();
    const panel = await manage(sam.email);
    await userEvent.click(within(panel).getByRole('button', { name: 'Deactivate' }));
    await userEvent.click(within(panel).getByRole('button', { name: 'Cancel' }));
    expect(within(panel).getByRole('button', { name: 'Deactivate' })).toBeEnabled();
    expect(api.callsTo('/v1/mgmt/user/update/status')).toHaveLength(0);
  });

  it('signs a user out everywhere', async () => {
    const { api } = await openUsers();
    const panel = await manage(sam.email);
    await userEvent.click(
      within(panel).getByRole('button', { name: 'Sign out everywhere' }),
    );
    await userEvent.click(
      within(within(panel).getByRole('group', { name: 'Confirm' })).getByRole('button', {
        name: 'Sign out',
      }),
    );
    expect(await within(panel).findByRole('status')).toHaveTextContent(
      'Sam Student is signed out everywhere',
    );
    expect(await jsonBody(api.callsTo('/v1/mgmt/user/logout')[0]!)).toEqual({
      userId: sam.userId,
    });
  });

  it('removes a user’s authenticator app', async () => {
    const tia = user('tia@example.com', { name: 'Tia Totp', TOTP: true });
    const { api } = await openUsers([sam, tia]);
    const panel = await manage(tia.email, tia.name);
    expect(within(panel).getByText('Set up')).toBeInTheDocument();
    await userEvent.click(
      within(panel).getByRole('button', { name: 'Remove authenticator app' }),
    );
    await userEvent.click(
      within(within(panel).getByRole('group', { name: 'Confirm' })).getByRole('button', {
        name: 'Remove',
      }),
    );
    expect(await within(panel).findByRole('status')).toHaveTextContent(
      'Tia Totp’s authenticator app is removed',
    );
    expect(await jsonBody(api.callsTo('/v1/mgmt/user/totp/delete')[0]!)).toEqual({
      loginId: tia.email,
    });
    expect(within(panel).getByText('None')).toBeInTheDocument();
    expect(
      within(panel).queryByRole('button', { name: 'Remove authenticator app' }),
    ).toBeNull();
  });

  it('offers no removal for a user without an authenticator app', async () => {
    await openUsers();
    const panel = await manage(sam.email);
    expect(within(panel).getByText('None')).toBeInTheDocument();
    expect(
      within(panel).queryByRole('button', { name: 'Remove authenticator app' }),
    ).toBeNull();
  });

  it('lists the enrolled sign-in methods', async () => {
    const pia = user('pia@example.com', {
      name: 'Pia Passkey',
      password: true,
      webauthn: true,
      verifiedEmail: true,
    });
    await openUsers([sam, pia]);
    const panel = await manage(pia.email, pia.name);
    const methods = within(panel).getByRole('list', { name: 'Sign-in methods' });
    expect(
      within(methods)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['Password', 'Passkeys', 'Verified email']);
  });

  it('removes a user’s passkeys after confirmation', async () => {
    const pia = user('pia@example.com', { name: 'Pia Passkey', webauthn: true });
    const { api } = await openUsers([sam, pia]);
    const panel = await manage(pia.email, pia.name);
    await userEvent.click(within(panel).getByRole('button', { name: 'Remove passkeys' }));
    expect(api.callsTo('/v1/mgmt/user/passkeys/delete')).toHaveLength(0);
    await userEvent.click(
      within(within(panel).getByRole('group', { name: 'Confirm' })).getByRole('button', {
        name: 'Remove',
      }),
    );
    expect(await within(panel).findByRole('status')).toHaveTextContent(
      'Pia Passkey’s passkeys are removed',
    );
    expect(await jsonBody(api.callsTo('/v1/mgmt/user/passkeys/delete')[0]!)).toEqual({
      loginId: pia.email,
    });
    expect(within(panel).queryByRole('button', { name: 'Remove passkeys' })).toBeNull();
    expect(within(panel).getByText('None yet')).toBeInTheDocument();
  });

  it('offers no passkey removal for a user without passkeys', async () => {
    await openUsers();
    const panel = await manage(sam.email);
    expect(within(panel).queryByRole('button', { name: 'Remove passkeys' })).toBeNull();
  });

  it('shows the last sign-in and closes the panel', async () => {
    await openUsers();
    const panel = await manage(sam.email);
    expect(within(panel).getByText('3 hours ago')).toBeInTheDocument();
    expect(within(panel).getByRole('heading', { name: 'Sam Student' })).toHaveFocus();
    await userEvent.click(within(panel).getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('region', { name: 'Sam Student' })).toBeNull();
  });

  it('does not let the admin deactivate their own account', async () => {
    const me = user('admin@localhost', {
      userId: 'U-admin',
      name: 'Admin',
      roleNames: ['admin'],
    });
    await openUsers([me]);
    const panel = await manage('admin@localhost', 'Admin');
    expect(within(panel).getByRole('button', { name: 'Deactivate' })).toBeDisabled();
    expect(panel).toHaveTextContent('You cannot deactivate your own account.');
    await userEvent.click(within(panel).getByRole('checkbox', { name: 'admin' }));
    expect(within(panel).getByRole('status')).toHaveTextContent(
      'without the admin role you lose this console',
    );
  });

  it('creates a user with roles and a first password', async () => {
    const { api } = await openUsers([]);
    await screen.findByText('No users yet.');
    await userEvent.click(screen.getByRole('button', { name: 'New user' }));
    const form = screen.getByRole('region', { name: 'New user' });
    await userEvent.type(within(form).getByLabelText('Email'), 'new@example.com');
    await userEvent.type(within(form).getByLabelText('Name'), 'Nia Newcomer');
    await userEvent.click(within(form).getByRole('checkbox', { name: 'student' }));
    await userEvent.type(
      within(form).getByLabelText('First password (optional)'),
      'a first password',
    );
    await userEvent.click(within(form).getByRole('button', { name: 'Create user' }));
    expect(await screen.findByText('Created new@example.com.')).toBeInTheDocument();
    expect(await jsonBody(api.callsTo('/v1/mgmt/user/create')[0]!)).toEqual({
      loginId: 'new@example.com',
      displayName: 'Nia Newcomer',
      roleNames: ['student'],
      password: 'a first password',
    });
    expect(screen.getByRole('region', { name: 'Nia Newcomer' })).toBeInTheDocument();
    expect(
      await screen.findByRole('button', { name: 'Manage new@example.com' }),
    ).toBeInTheDocument();
  });

  it('creates a user without a password, and explains a refusal', async () => {
    const { api } = await openUsers([], {
      '/v1/mgmt/user/create': sequence(
        {
          status: 409,
          body: { errorCode: 'E062107', errorMessage: 'login id already exists' },
        },
        { body: { user: user('new@example.com') } },
      ),
    });
    await userEvent.click(await screen.findByRole('button', { name: 'New user' }));
    const form = screen.getByRole('region', { name: 'New user' });
    await userEvent.type(within(form).getByLabelText('Email'), 'new@example.com');
    await userEvent.click(within(form).getByRole('button', { name: 'Create user' }));
    expect(await within(form).findByRole('alert')).toHaveTextContent(
      'login id already exists',
    );
    expect(await jsonBody(api.callsTo('/v1/mgmt/user/create')[0]!)).toEqual({
      loginId: 'new@example.com',
      displayName: '',
      roleNames: [],
    });
    await userEvent.click(within(form).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('region', { name: 'New user' })).toBeNull();
  });
});
