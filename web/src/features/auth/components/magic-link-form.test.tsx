import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fail, ok, sdk } from '@/testing/descope-mock';
import { fakeApi } from '@/testing/fake-api';
import { renderApp } from '@/testing/render-app';

async function askForLink(email: string) {
  await userEvent.click(await screen.findByRole('button', { name: 'Email link' }));
  await userEvent.type(screen.getByLabelText('Email'), email);
  await userEvent.click(screen.getByRole('button', { name: 'Email me a link' }));
}

describe('/login with an email link', () => {
  it('asks for a link to /verify on this origin and says to check the mail', async () => {
    fakeApi();
    sdk.magicLink.signUpOrIn.email.mockResolvedValue(
      ok({ maskedEmail: 'a***@example.com' }),
    );
    renderApp('/login');
    await askForLink('ada@example.com');
    expect(sdk.magicLink.signUpOrIn.email).toHaveBeenCalledWith(
      'ada@example.com',
      `${window.location.origin}/verify`,
    );
    expect(await screen.findByText('Check your email')).toBeInTheDocument();
    expect(screen.getByText('a***@example.com')).toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: 'Use a different email or send a new link' }),
    );
    expect(screen.getByRole('button', { name: 'Email me a link' })).toBeInTheDocument();
  });

  it('shows the server’s refusal', async () => {
    fakeApi();
    sdk.magicLink.signUpOrIn.email.mockResolvedValue(
      fail(400, {
        errorCode: 'E011003',
        errorDescription: 'The URI is not under an allowed redirect origin',
      }),
    );
    renderApp('/login');
    await askForLink('ada@example.com');
    expect(await screen.findByRole('alert')).toHaveTextContent('allowed redirect origin');
    expect(screen.queryByText('Check your email')).not.toBeInTheDocument();
  });
});
