// The server side of the app: what `gatehouse serve --web-dir` sends, read with
// plain fetch (no browser).
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { it, server, useServer } from '../lib/e2e.mjs';

describe('server', () => {
  useServer('server', { withBrowser: false });

  it('the server serves the app with its security headers', async () => {
    const index = await fetch(`${server.baseUrl}/`);
    assert.equal(index.status, 200);
    const csp = index.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'self'/, `CSP header: ${csp}`);
    const html = await index.text();
    assert.doesNotMatch(
      html,
      /<script(?![^>]*\bsrc=)[^>]*>/,
      'index.html has an inline script',
    );
    assert.doesNotMatch(html, /<style/, 'index.html has an inline <style>');

    const asset = html.match(/\/assets\/[^"]+\.js/)?.[0];
    assert.ok(asset, 'index.html references a hashed script');
    const js = await fetch(`${server.baseUrl}${asset}`);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('cache-control') ?? '', /immutable/);

    const deep = await fetch(`${server.baseUrl}/profile`);
    assert.equal(deep.status, 200, 'SPA fallback for /profile');
    assert.match(await deep.text(), /<div id="root">/);
  });
});
