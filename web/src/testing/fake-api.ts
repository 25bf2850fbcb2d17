/**
 * A fetch() stand-in for the app's same-origin API. Each route answers with a
 * JSON body and status, or throws to simulate an unreachable server.
 */
import { vi } from 'vitest';

export type FakeResponse = { status?: number; body?: unknown } | 'network-error';
export type FakeRoute =
  FakeResponse | ((request: Request) => FakeResponse | Promise<FakeResponse>);

export const CONFIG = { projectId: 'P2testprojectidxxxxxxxxxxxxx' };

export function fakeApi(routes: Record<string, FakeRoute> = {}) {
  const all: Record<string, FakeRoute> = {
    '/gatehouse/config.json': { body: CONFIG },
    ...routes,
  };
  const calls: Request[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(new URL(String(input), window.location.origin), init);
    calls.push(request);
    const path = new URL(request.url).pathname;
    const route = all[path];
    const answer = typeof route === 'function' ? await route(request) : route;
    if (answer === undefined) {
      return new Response(JSON.stringify({ error: 'not found' }), { status: 404 });
    }
    if (answer === 'network-error') throw new TypeError('Failed to fetch');
    return new Response(JSON.stringify(answer.body ?? {}), {
      status: answer.status ?? 200,
      headers: { 'Content-Type': 'application/json' },
    });
  });
  vi.stubGlobal('fetch', fetchMock);
  return {
    calls,
    callsTo: (path: string) => calls.filter((r) => new URL(r.url).pathname === path),
    set(path: string, route: FakeRoute) {
      all[path] = route;
    },
  };
}

/** Answers each call in turn with the next response; the last one repeats. */
export function sequence(...responses: FakeResponse[]): FakeRoute {
  let index = 0;
  return () => responses[Math.min(index++, responses.length - 1)]!;
}

/** The JSON body of a recorded request (read from a copy, so it can be read again). */
export async function jsonBody<T = Record<string, unknown>>(
  request: Request,
): Promise<T> {
  return (await request.clone().json()) as T;
}
