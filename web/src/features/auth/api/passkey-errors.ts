import type { AuthErrorView } from './auth-errors';

/**
 * A sentence for what the browser's passkey prompt threw (the SDK calls
 * `navigator.credentials` itself), or null when it is not a WebAuthn error.
 */
export function describePasskeyException(error: unknown): AuthErrorView | null {
  if (typeof DOMException === 'undefined' || !(error instanceof DOMException)) {
    return null;
  }
  if (error.name === 'NotAllowedError' || error.name === 'AbortError') {
    return { message: 'The passkey prompt was closed or timed out. Try again.' };
  }
  if (error.name === 'InvalidStateError') {
    return { message: 'This device already holds a passkey for this account.' };
  }
  if (error.name === 'SecurityError') {
    return {
      message:
        'This browser refused to use a passkey here: the page must be opened at the server’s own address (see its --base-url).',
    };
  }
  return { message: `This browser could not use a passkey (${error.name}).` };
}

/** Passkeys need the browser's WebAuthn API. */
export function passkeysSupported(): boolean {
  return typeof window !== 'undefined' && 'PublicKeyCredential' in window;
}
