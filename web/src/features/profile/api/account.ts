import { getRefreshToken } from '@descope/react-sdk';

/** The credential flags of the user object (`GET /v1/auth/me`), Descope's spelling. */
export type AccountFlags = {
  password?: boolean;
  TOTP?: boolean;
  webauthn?: boolean;
  verifiedEmail?: boolean;
};

/** One successful sign-in from `GET /v1/auth/me/history`. */
export type SignInRecord = {
  userId: string;
  /** Unix seconds. */
  loginTime: number;
  city: string;
  country: string;
  ip: string;
};

/** The parts of a failed SDK response the account page reads. */
export type SdkFailure = {
  code?: number;
  error?: { errorCode?: string; errorDescription?: string; errorMessage?: string };
};

export const NETWORK_MESSAGE =
  'Could not reach the server. Check your connection and try again.';

/** A sentence for a failed account change. */
export function describeAccountError(failure: SdkFailure, wrongCode?: string): string {
  const { code, error } = failure;
  const detail = error?.errorMessage?.trim() || error?.errorDescription?.trim();
  if (code === 404) return 'This server does not offer this yet.';
  if (code === 401 && wrongCode) return wrongCode;
  if (code === 401) return 'Your session has ended. Sign in again, then retry.';
  if (code === 429) return 'Too many attempts. Please wait a moment and try again.';
  if (detail) return detail;
  return 'Something went wrong. Please try again.';
}

/** The SDK's raw HTTP client: Gatehouse's own account calls go through it. */
export type RawHttpSdk = {
  httpClient: {
    post: (
      path: string,
      body?: unknown,
      config?: { token?: string },
    ) => Promise<Response>;
  };
};

export type AccountResult =
  | { ok: true; data: unknown }
  | ({ ok: false } & Required<Pick<SdkFailure, 'code'>> & SdkFailure);

/**
 * POSTs to one of Gatehouse's own `/v1/auth/me/…` endpoints with the stored
 * refresh token, as the SDK's own account calls send it; the answer in the
 * SDK's shape.
 */
export async function accountPost(
  sdk: RawHttpSdk,
  path: string,
  body: unknown = {},
): Promise<AccountResult> {
  const response = await sdk.httpClient.post(path, body, { token: getRefreshToken() });
  const data: unknown = await response.json().catch(() => undefined);
  if (response.ok) return { ok: true, data };
  return { ok: false, code: response.status, error: data as SdkFailure['error'] };
}
