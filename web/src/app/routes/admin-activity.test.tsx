import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { axisMax } from '@/features/admin/components/signins-chart';
import { audit, daily, fakeMgmt } from '@/testing/admin-fixtures';
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
    expect(api.calls.length - before).toBe(4);
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
