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

export type ApiRequestOptions = {
  method?: 'GET' | 'POST' | 'PATCH';
  /** Sent as JSON. */
  body?: unknown;
  /**
   * What follows "Bearer " in the Authorization header; by default the current
   * session token, as the tutorial's Flask API expects.
   */
  bearer?: string;
  signal?: AbortSignal;
};

/** The error code of a Descope-style error body (`{"errorCode": "E011403", …}`). */
export function errorCodeOf(error: unknown): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const body = error.body as { errorCode?: unknown } | undefined;
  return typeof body?.errorCode === 'string' ? body.errorCode : undefined;
}

/** Calls a JSON endpoint of this origin; failures become an ApiError. */
export async function apiRequest<T>(path: string, options: ApiRequestOptions = {}) {
  const { method = 'GET', body, signal } = options;
  const bearer = options.bearer ?? getSessionToken();
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';

  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
      credentials: 'same-origin',
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError(0, 'The server could not be reached.');
  }

  let parsed: unknown;
  try {
    parsed = await response.json();
  } catch {
    throw new ApiError(
      response.ok ? 0 : response.status,
      `Unexpected response from ${path} (${response.status}).`,
    );
  }
  if (!response.ok) {
    throw new ApiError(
      response.status,
      errorText(parsed) ?? `Request failed (${response.status}).`,
      parsed,
    );
  }
  return parsed as T;
}

/**
 * GET a JSON resource of this origin with the current session token as
 * `Authorization: Bearer <sessionJwt>`, as the tutorial's Flask API expects.
 */
export function apiGet<T>(path: string, options: { signal?: AbortSignal } = {}) {
  return apiRequest<T>(path, { signal: options.signal });
}
