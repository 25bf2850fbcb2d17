import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { clockTime } from '@/features/admin/api/format';
import { axisMax } from '@/features/admin/components/signins-chart';
import { audit, daily, fakeMgmt, lockout } from '@/testing/admin-fixtures';
import { signInAdmin } from '@/testing/descope-mock';
import { jsonBody, sequence } from '@/testing/fake-api';
import { renderApp } from '@/testing/render-app';

function openActivity(options: Parameters<typeof fakeMgmt>[0] = {}) {
  const api = fakeMgmt(options);
  signInAdmin();
  renderApp('/admin/activity');
  return api;
}

describe('/admin/activity', () => {
  it('charts sign-ins per day with today’s count', async () => {
    const api = openActivity({ daily: daily(3, { 1: 5, 7: 2 }) });
    expect(await screen.findByText('3 sign-ins today')).toBeInTheDocument();
    expect(screen.getByText(/10 in the last 30 days/)).toBeInTheDocument();
    const chart = screen.getByRole('img', { name: /Sign-ins per day, last 30 days/ });
    expect(chart).toHaveAccessibleDescription('10 sign-ins in 30 days, 3 today.');
    expect(chart.querySelectorAll('.chart__bar')).toHaveLength(30);
    expect(chart.querySelector('.chart__day--today title')).toHaveTextContent(
      'Today: 3 sign-ins',
    );
    // Screen readers get the numbers as a table.
    const table = screen.getByRole('table', { name: 'Sign-ins per day' });
    expect(within(table).getByRole('row', { name: 'Today 3' })).toBeInTheDocument();
    const [request] = api.callsTo('/v1/mgmt/audit/daily');
    expect(new URL(request!.url).search).toBe('?days=30&action=user.signin');
    expect(request!.method).toBe('GET');
  });

  it('lists recent and failed sign-ins and role changes', async () => {
    const api = openActivity({
      audits: [
        audit('user.signin', 'ada@example.com', { detail: 'password' }),
        audit('user.signin', 'eve@example.com', {
          result: 'failure',
          detail: 'wrong login id or password',
        }),
        audit('user.signin', 'sam@example.com', {
          result: 'failure',
          detail: 'user disabled',
        }),
        audit('user.roles.changed', 'sam@example.com', { detail: 'roles: teacher' }),
        audit('user.roles.changed', 'bob@example.com', { detail: 'roles: (none)' }),
      ],
    });
    const recent = await screen.findByRole('list', { name: 'Recent sign-ins' });
    expect(within(recent).getAllByRole('listitem')).toHaveLength(1);
    expect(recent).toHaveTextContent('ada@example.com');
    expect(recent).toHaveTextContent('With password');
    expect(recent).toHaveTextContent('2 minutes ago');

    const failed = screen.getByRole('list', { name: 'Failed sign-ins' });
    expect(within(failed).getAllByRole('listitem')).toHaveLength(2);
    expect(failed).toHaveTextContent('eve@example.com');
    expect(failed).toHaveTextContent('Wrong login id or password');
    expect(failed).toHaveTextContent('User disabled');

    const changes = await screen.findByRole('list', { name: 'Role changes' });
    expect(changes).toHaveTextContent('sam@example.com');
    expect(changes).toHaveTextContent('Now: teacher');
    expect(changes).toHaveTextContent('Now: no roles');

    const bodies = await Promise.all(api.callsTo('/v1/mgmt/audit/search').map(jsonBody));
    expect(bodies).toContainEqual({
      actions: ['user.signin'],
      results: ['success'],
      limit: 10,
    });
    expect(bodies).toContainEqual({
      actions: ['user.signin'],
      results: ['failure'],
      limit: 10,
    });
    expect(bodies).toContainEqual({ actions: ['user.roles.changed'], limit: 10 });
  });

  it('says when there is no activity yet', async () => {
    openActivity();
    expect(await screen.findByText('No one has signed in yet.')).toBeInTheDocument();
    expect(screen.getByText('No failed sign-ins.')).toBeInTheDocument();
    expect(await screen.findByText('No role changes yet.')).toBeInTheDocument();
    expect(await screen.findByText('0 sign-ins today')).toBeInTheDocument();
  });

  it('shows placeholders while loading', async () => {
    openActivity({
      routes: {
        '/v1/mgmt/audit/daily': () => new Promise(() => {}),
        '/v1/mgmt/audit/search': () => new Promise(() => {}),
      },
    });
    expect(await screen.findByLabelText('Loading chart')).toBeInTheDocument();
    expect(screen.getByLabelText('Loading Recent sign-ins')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Refresh' })).toHaveAttribute(
      'aria-busy',
      'true',
    );
  });

  it('explains a failure and retries, and Refresh reloads everything', async () => {
    const api = openActivity({
      routes: {
        '/v1/mgmt/audit/daily': sequence(
          { status: 500, body: { errorCode: 'E011500', errorMessage: 'Internal error' } },
          { body: daily(1) },
        ),
      },
    });
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Couldn’t load the sign-in chart',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('1 sign-in today')).toBeInTheDocument();

    const before = api.calls.length;
    await userEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    await screen.findByText('1 sign-in today');
    expect(api.calls.length - before).toBe(6);
  });
});

describe('/admin/activity lockouts', () => {
  const NOW = Math.floor(Date.now() / 1000);

  it('lists who is locked out, with attempts and until when', async () => {
    const until = NOW + 14 * 60 + 50;
    const api = openActivity({
      lockouts: [
        lockout('ada@example.com', { lockedUntil: until * 1000 }),
        lockout('203.0.113.9', {
          kind: 'address',
          attempts: 300,
          lockedUntil: (NOW + 5 * 60) * 1000,
        }),
      ],
    });
    const list = await screen.findByRole('list', { name: 'Locked out' });
    const [ada, address] = within(list).getAllByRole('listitem');
    expect(ada).toHaveTextContent('Account ada@example.com');
    expect(ada).toHaveTextContent(
      `10 failed attempts · until ${clockTime(until)} (in 15 minutes)`,
    );
    expect(within(ada!).getByRole('time')).toHaveAttribute(
      'datetime',
      new Date(until * 1000).toISOString(),
    );
    expect(address).toHaveTextContent('Address 203.0.113.9');
    expect(address).toHaveTextContent('300 failed attempts');
    expect(address).toHaveTextContent('(in 5 minutes)');
    expect(
      within(ada!).getByRole('button', { name: 'Unlock ada@example.com' }),
    ).toBeInTheDocument();
    expect(
      within(address!).getByRole('button', { name: 'Unlock 203.0.113.9' }),
    ).toBeInTheDocument();
    const [request] = api.callsTo('/v1/mgmt/lockouts');
    expect(request!.method).toBe('GET');
  });

  it('unlocks an account: posts kind and value, the row goes, a status says so', async () => {
    const api = openActivity({
      lockouts: [lockout('ada@example.com'), lockout('bob@example.com')],
    });
    const list = await screen.findByRole('list', { name: 'Locked out' });
    await userEvent.click(
      within(list).getByRole('button', { name: 'Unlock ada@example.com' }),
    );

    expect(await screen.findByRole('status')).toHaveTextContent(
      'ada@example.com can sign in again.',
    );
    const unlocks = api.callsTo('/v1/mgmt/lockouts/unlock');
    expect(unlocks).toHaveLength(1);
    expect(unlocks[0]!.method).toBe('POST');
    expect(await jsonBody(unlocks[0]!)).toEqual({
      kind: 'login',
      value: 'ada@example.com',
    });
    expect(
      screen.queryByRole('button', { name: 'Unlock ada@example.com' }),
    ).not.toBeInTheDocument();
    expect(within(list).getAllByRole('listitem')).toHaveLength(1);
    expect(list).toHaveTextContent('bob@example.com');
    // The list and the lockout events are fetched again.
    expect(api.callsTo('/v1/mgmt/lockouts')).toHaveLength(2);
    const lockSearches = (
      await Promise.all(api.callsTo('/v1/mgmt/audit/search').map(jsonBody))
    ).filter((b) => (b.actions as string[]).includes('user.unlocked'));
    expect(lockSearches).toHaveLength(2);
    // Focus stays in the card, not on a button that is gone.
    expect(screen.getByRole('heading', { name: 'Locked out' })).toHaveFocus();
  });

  it('unlocks an address', async () => {
    const api = openActivity({ lockouts: [lockout('203.0.113.9', { kind: 'address' })] });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Unlock 203.0.113.9' }),
    );
    expect(await screen.findByRole('status')).toHaveTextContent(
      'Sign-ins from 203.0.113.9 are allowed again.',
    );
    expect(await jsonBody(api.callsTo('/v1/mgmt/lockouts/unlock')[0]!)).toEqual({
      kind: 'address',
      value: '203.0.113.9',
    });
    expect(await screen.findByText('No one is locked out.')).toBeInTheDocument();
  });

  it('explains a failed unlock and keeps the row', async () => {
    openActivity({
      lockouts: [lockout('ada@example.com')],
      routes: {
        '/v1/mgmt/lockouts/unlock': {
          status: 500,
          body: { errorCode: 'E011500', errorMessage: 'Internal error' },
        },
      },
    });
    const button = await screen.findByRole('button', { name: 'Unlock ada@example.com' });
    await userEvent.click(button);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Couldn’t unlock ada@example.com');
    expect(alert).toHaveTextContent(
      'The server did not answer. Check that Gatehouse is running, then try again.',
    );
    expect(
      screen.getByRole('button', { name: 'Unlock ada@example.com' }),
    ).not.toHaveAttribute('aria-busy');
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
  });

  it('shows the server’s message when it refuses an unlock', async () => {
    openActivity({
      lockouts: [lockout('ada@example.com')],
      routes: {
        '/v1/mgmt/lockouts/unlock': {
          status: 400,
          body: {
            errorCode: 'E011001',
            errorDescription: 'Invalid argument',
            errorMessage: 'Say what to unlock',
          },
        },
      },
    });
    await userEvent.click(
      await screen.findByRole('button', { name: 'Unlock ada@example.com' }),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent('Say what to unlock');
    expect(screen.getByRole('list', { name: 'Locked out' })).toHaveTextContent(
      'ada@example.com',
    );
  });

  it('says when no one is locked out', async () => {
    openActivity();
    expect(await screen.findByText('No one is locked out.')).toBeInTheDocument();
    expect(await screen.findByText('No lockouts yet.')).toBeInTheDocument();
    expect(screen.queryByRole('list', { name: 'Locked out' })).not.toBeInTheDocument();
  });

  it('explains when the lockouts cannot be loaded, and retries', async () => {
    openActivity({
      routes: {
        '/v1/mgmt/lockouts': sequence(
          { status: 500, body: { errorCode: 'E011500', errorMessage: 'Internal error' } },
          { body: { lockouts: [lockout('ada@example.com')] } },
        ),
      },
    });
    const card = await screen.findByRole('region', { name: 'Locked out' });
    expect(await within(card).findByRole('alert')).toHaveTextContent(
      'Couldn’t load lockouts',
    );
    await userEvent.click(within(card).getByRole('button', { name: 'Try again' }));
    expect(
      await within(card).findByRole('button', { name: 'Unlock ada@example.com' }),
    ).toBeInTheDocument();
  });

  it('lists recent lockouts and unlocks from the audit log', async () => {
    openActivity({
      audits: [
        audit('user.unlocked', 'ada@example.com', {
          detail: 'login ada@example.com unlocked',
        }),
        audit('user.locked', 'ada@example.com', {
          detail: 'login id ada@example.com locked after too many attempts',
        }),
        {
          ...audit('address.locked', 'eve@example.com', {
            detail: 'address 203.0.113.9 locked after too many attempts',
          }),
          remoteAddress: '203.0.113.9',
        },
        {
          ...audit('address.unlocked', '', { detail: 'address 203.0.113.9 unlocked' }),
          externalIds: [],
        },
      ],
    });
    const recent = await screen.findByRole('list', { name: 'Recent lockouts' });
    const items = within(recent).getAllByRole('listitem');
    expect(items).toHaveLength(4);
    expect(items[0]).toHaveTextContent('ada@example.com');
    expect(items[0]).toHaveTextContent('Account unlocked by an admin');
    expect(items[1]).toHaveTextContent('Account locked after too many attempts');
    expect(items[2]).toHaveTextContent('203.0.113.9');
    expect(items[2]).not.toHaveTextContent('eve@example.com');
    expect(items[2]).toHaveTextContent('Address locked after too many attempts');
    expect(items[3]).toHaveTextContent('203.0.113.9');
    expect(items[3]).toHaveTextContent('Address unlocked by an admin');
  });
});

describe('axisMax', () => {
  it.each([
    [0, 4],
    [3, 4],
    [5, 5],
    [7, 10],
    [13, 20],
    [22, 25],
    [40, 50],
    [120, 200],
  ])('%i → %i', (max, top) => {
    expect(axisMax(max)).toBe(top);
  });
});
