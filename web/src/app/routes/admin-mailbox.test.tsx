import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeMgmt } from '@/testing/admin-fixtures';
import { signIn, signInAdmin } from '@/testing/descope-mock';
import type { FakeRoute } from '@/testing/fake-api';
import { renderApp } from '@/testing/render-app';

const NOW = Date.now();

const CODE_MAIL = {
  time: NOW - 60_000,
  to: 'ada@example.com',
  subject: 'Your Gatehouse code',
  text: 'Your Gatehouse sign-in code is: 123456\n\nIt expires in 5 minutes.',
  html: '<p>…</p>',
};
const LINK_MAIL = {
  time: NOW - 10_000,
  to: 'bob@example.com',
  subject: 'Sign in to Gatehouse',
  text: 'Open this link to sign in to Gatehouse:\n\nhttp://localhost:8080/verify?t=abc\n\nIt expires.',
  html: '<p>…</p>',
};

function openMailbox(route: Record<string, FakeRoute>) {
  const api = fakeMgmt({ routes: route });
  signInAdmin();
  renderApp('/admin/mailbox');
  return api;
}

describe('/admin/mailbox', () => {
  it('lists the messages with their code and link', async () => {
    const api = openMailbox({
      '/v1/mgmt/dev/mailbox': { body: { messages: [LINK_MAIL, CODE_MAIL] } },
    });
    const list = await screen.findByRole('list', { name: 'Messages' });
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveTextContent('Sign in to Gatehouse');
    expect(items[0]).toHaveTextContent('bob@example.com');
    expect(within(items[0]!).getByRole('link')).toHaveAttribute(
      'href',
      'http://localhost:8080/verify?t=abc',
    );
    expect(items[1]).toHaveTextContent('ada@example.com');
    expect(items[1]).toHaveTextContent('1 minute ago');
    expect(within(items[1]!).getByText('123456').tagName).toBe('STRONG');
    const [request] = api.callsTo('/v1/mgmt/dev/mailbox');
    expect(request!.method).toBe('GET');
    expect(request!.headers.get('Authorization')).toMatch(/^Bearer P2\w+:session-jwt-1$/);
    expect(screen.getByRole('link', { name: 'Mailbox' })).toHaveAttribute(
      'aria-current',
      'page',
    );
  });

  it('says when there is nothing yet, and reloads', async () => {
    const api = openMailbox({ '/v1/mgmt/dev/mailbox': { body: { messages: [] } } });
    expect(await screen.findByText('No messages yet')).toBeInTheDocument();
    api.set('/v1/mgmt/dev/mailbox', { body: { messages: [CODE_MAIL] } });
    await userEvent.click(screen.getByRole('button', { name: 'Reload' }));
    expect(await screen.findByText('Your Gatehouse code')).toBeInTheDocument();
  });

  it('explains that the mailbox is off when the server sends real mail (404)', async () => {
    openMailbox({
      '/v1/mgmt/dev/mailbox': { status: 404, body: { errorCode: 'E011004' } },
    });
    expect(await screen.findByText('The dev mailbox is off')).toBeInTheDocument();
    expect(screen.queryByRole('list', { name: 'Messages' })).not.toBeInTheDocument();
  });

  it('shows a load error with a retry', async () => {
    openMailbox({ '/v1/mgmt/dev/mailbox': 'network-error' });
    expect(await screen.findByText('Couldn’t load the mailbox')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Try again' })).toBeInTheDocument();
  });

  it('is not shown to users without the admin role', async () => {
    const api = fakeMgmt({});
    signIn();
    renderApp('/admin/mailbox');
    expect(
      await screen.findByRole('heading', { name: 'You need the admin role' }),
    ).toBeInTheDocument();
    expect(api.callsTo('/v1/mgmt/dev/mailbox')).toHaveLength(0);
  });
});
