import { getSessionToken } from '@descope/react-sdk';

/**
 * A failed call to the app's own API. `status` is the HTTP status, or 0 when the
 * server could not be reached or did not answer with JSON.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly body: unknown;

  constructor(status: number, message: string, body?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }

  get isUnauthorized(): boolean {
    return this.status === 401;
  }

  /** The server is down, unreachable or broken: worth a retry, not a sign-in. */
  get isUnavailable(): boolean {
    return this.status === 0 || this.status >= 500;
  }
}

function errorText(body: unknown): string | undefined {
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    for (const key of ['error', 'errorMessage', 'errorDescription', 'message']) {
      if (typeof record[key] === 'string' && record[key]) return record[key] as string;
    }
  }
  return undefined;
}

/**
 * GET a JSON resource of this origin with the current session token as
 * `Authorization: Bearer <sessionJwt>`, as the tutorial's Flask API expects.
 */
export async function apiGet<T>(path: string, options: { signal?: AbortSignal } = {}) {
  const token = getSessionToken();
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;

  let response: Response;
  try {
    response = await fetch(path, {
      headers,
      signal: options.signal,
      credentials: 'same-origin',
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new ApiError(0, 'The server could not be reached.');
  }

  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new ApiError(
      response.ok ? 0 : response.status,
      `Unexpected response from ${path} (${response.status}).`,
    );
  }
  if (!response.ok) {
    throw new ApiError(
      response.status,
      errorText(body) ?? `Request failed (${response.status}).`,
      body,
    );
  }
  return body as T;
}
