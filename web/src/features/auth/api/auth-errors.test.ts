import { describe, expect, it } from 'vitest';
import { describeAuthError } from './auth-errors';

describe('describeAuthError', () => {
  it('maps bad credentials to a plain sentence', () => {
    expect(
      describeAuthError('signIn', {
        code: 401,
        error: { errorCode: 'E062108', errorDescription: 'Invalid credentials' },
      }).message,
    ).toBe('Wrong email or password. Check them and try again.');
  });

  it('maps an existing account to a sign-in suggestion', () => {
    expect(
      describeAuthError('signUp', { code: 409, error: { errorCode: 'E062107' } }),
    ).toEqual({
      message: 'An account with this email already exists. Sign in instead.',
      suggestMode: 'signIn',
    });
  });

  it('passes validation messages through', () => {
    expect(
      describeAuthError('signUp', {
        code: 400,
        error: {
          errorCode: 'E011003',
          errorDescription: 'Request is invalid',
          errorMessage: 'Password must be at least 8 characters long',
        },
      }).message,
    ).toBe('Password must be at least 8 characters long');
  });

  it('tells how long to wait when rate limited', () => {
    expect(
      describeAuthError('signIn', {
        code: 429,
        error: { errorCode: 'E130429', retryAfter: 30 },
      }).message,
    ).toBe('Too many attempts. Please wait 30 seconds and try again.');
  });

  it('falls back to the server’s description for anything else', () => {
    expect(
      describeAuthError('signIn', {
        code: 500,
        error: { errorCode: 'E000000', errorDescription: 'Internal error' },
      }).message,
    ).toBe('Something went wrong: Internal error');
    expect(describeAuthError('signIn', { code: 500 }).message).toBe(
      'Something went wrong. Please try again.',
    );
  });
});
