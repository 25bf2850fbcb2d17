/** The parts of a Descope SDK response that say what went wrong. */
export type SdkFailure = {
  code?: number;
  error?: {
    errorCode?: string;
    errorDescription?: string;
    errorMessage?: string;
    retryAfter?: number | string;
    /** With E062801: the ticket that carries the sign-in to its TOTP code. */
    mfaTicket?: string;
  };
};

export type AuthMode = 'signIn' | 'signUp';

export type AuthErrorView = {
  message: string;
  /** The other form fixes this mistake (e.g. the account already exists). */
  suggestMode?: AuthMode;
};

const ERROR_USER_EXISTS = 'E062107';
const ERROR_INVALID_REQUEST = 'E011003';
const ERROR_RATE_LIMITED = 'E130429';
export const ERROR_PASSWORD_EXPIRED = 'E062909';
const ERROR_INVALID_CREDENTIALS = 'E062111';
/** The password was right; the account also wants its authenticator code. */
export const ERROR_MFA_REQUIRED = 'E062801';

/** Turns a failed sign-in or sign-up into a sentence for the person at the form. */
export function describeAuthError(mode: AuthMode, failure: SdkFailure): AuthErrorView {
  const { code, error } = failure;
  const detail = error?.errorMessage?.trim() || error?.errorDescription?.trim();

  if (error?.errorCode === ERROR_USER_EXISTS || code === 409) {
    return {
      message: 'An account with this email already exists. Sign in instead.',
      suggestMode: 'signIn',
    };
  }
  if (code === 429 || error?.errorCode === ERROR_RATE_LIMITED) {
    const wait = error?.retryAfter;
    return {
      message: wait
        ? `Too many attempts. Please wait ${wait} seconds and try again.`
        : 'Too many attempts. Please wait a moment and try again.',
    };
  }
  if (error?.errorCode === ERROR_PASSWORD_EXPIRED) {
    return { message: 'Your password has expired. Ask an administrator to reset it.' };
  }
  if (code === 401 && mode === 'signIn') {
    return {
      message: 'Wrong email or password. Check them and try again.',
    };
  }
  if (code === 403) {
    return {
      message: detail || 'This account cannot sign in. Contact your administrator.',
    };
  }
  if (code === 400 || error?.errorCode === ERROR_INVALID_REQUEST) {
    return { message: detail || 'Please check the form and try again.' };
  }
  return {
    message: detail
      ? `Something went wrong: ${detail}`
      : 'Something went wrong. Please try again.',
  };
}

/** Turns a failed `password.replace` into a sentence for the change-password step. */
export function describeReplaceError(failure: SdkFailure): AuthErrorView {
  const { code, error } = failure;
  const detail = error?.errorMessage?.trim() || error?.errorDescription?.trim();
  if (code === 401 || error?.errorCode === ERROR_INVALID_CREDENTIALS) {
    return {
      message: 'Your current password is no longer accepted. Go back and sign in again.',
    };
  }
  if (code === 403) {
    return {
      message: detail || 'This account cannot sign in. Contact your administrator.',
    };
  }
  if (code === 429 || error?.errorCode === ERROR_RATE_LIMITED) {
    return { message: 'Too many attempts. Please wait a moment and try again.' };
  }
  if (code === 400 || error?.errorCode === ERROR_INVALID_REQUEST) {
    return { message: detail || 'Please choose a different password.' };
  }
  return {
    message: detail
      ? `Something went wrong: ${detail}`
      : 'Something went wrong. Please try again.',
  };
}

export const NETWORK_ERROR: AuthErrorView = {
  message: 'Could not reach the server. Check your connection and try again.',
};

/** Turns a failed email-code or passkey step into a sentence; `what` names the step. */
export function describePasswordlessError(
  what: 'code' | 'link' | 'passkey' | 'reset',
  failure: SdkFailure,
): AuthErrorView {
  const { code, error } = failure;
  if (code === 404) {
    return { message: 'This server does not offer that way of signing in yet.' };
  }
  if (code === 401 && what === 'code') {
    return {
      message:
        'That code is not right, has expired, or was already used. Check the email or send a new code.',
    };
  }
  if (code === 401 && what === 'link') {
    return {
      message:
        'This sign-in link has expired or was already used. Ask for a new one on the sign-in page.',
    };
  }
  if (code === 401 && what === 'passkey') {
    return {
      message: 'The passkey was not accepted. Try again, or sign in another way.',
    };
  }
  if (error?.errorCode === ERROR_USER_EXISTS || code === 409) {
    return { message: 'An account with this email already exists. Sign in instead.' };
  }
  return describeAuthError('signIn', failure);
}
