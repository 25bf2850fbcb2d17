// Flows (docs/flows.md) through the SDKs' own flow calls: core-js's flow.start / flow.next
// (what web-js and the <Descope> component call) run the built-in sign-up-or-in flow —
// sign-up with a password, sign-in with an email code read from a real SMTP sink — and
// node-sdk's management.flow.list / export see it.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import createSdk from '@descope/core-js-sdk';
import DescopeClient from '@descope/node-sdk';
import { startServer } from '../lib/server.mjs';
import { startSmtpSink, codeIn } from '../lib/smtp-sink.mjs';
import { PASSWORD, uniqueEmail, decodeJwt, okData, assertDescopeError } from '../lib/util.mjs';

const FLOW = 'sign-up-or-in';
let server;
let sink;
let core;

before(async () => {
  sink = await startSmtpSink();
  server = await startServer({ args: sink.serverArgs });
  core = createSdk({ projectId: server.projectId, baseUrl: server.baseUrl });
});
after(async () => {
  await server?.stop();
  await sink?.stop();
});

const next = (at, interaction, input = {}) =>
  core.flow.next(at.executionId, at.stepId, interaction, 1, '3.14.1', input);

async function atEmail(email) {
  const start = okData(await core.flow.start(FLOW, {}, '', '', '3.14.1', { [FLOW]: 1 }, {}));
  assert.equal(start.screen.id, 'welcome');
  return okData(await next(start, 'continue', { email }));
}

describe('flows through core-js', () => {
  const email = uniqueEmail('flow');

  test('start answers the email screen on step 1', async () => {
    const r = okData(await core.flow.start(FLOW, { location: 'http://localhost/login' }));
    assert.match(r.executionId, /^sign-up-or-in\|#\|[A-Za-z0-9]+$/);
    assert.equal(r.stepId, '1');
    assert.equal(r.status, 'waiting');
    assert.equal(r.action, 'screen');
  });

  test('a new email signs up with a password and gets authInfo', async () => {
    const at = await atEmail(email);
    assert.equal(at.screen.id, 'sign-up');
    const done = okData(await next(at, 'signUp', { name: 'Flo', password: PASSWORD }));
    assert.equal(done.status, 'completed');
    assert.equal(done.authInfo.firstSeen, true);
    assert.equal(done.authInfo.user.loginIds[0], email);
    assert.equal(decodeJwt(done.authInfo.sessionJwt).payload.drn, 'DS');
    assert.equal(decodeJwt(done.authInfo.refreshJwt).payload.drn, 'DSR');
    // The refresh token works with the SDK's own refresh.
    okData(await core.refresh(done.authInfo.refreshJwt));
  });

  test('the same email signs in with a code from the mail', async () => {
    const at = await atEmail(email);
    assert.equal(at.screen.id, 'sign-in');
    const sent = okData(await next(at, 'emailCode'));
    assert.equal(sent.screen.id, 'email-code');
    const code = codeIn(await sink.waitForMail(email));
    const done = okData(await next(sent, 'verify', { code }));
    assert.equal(done.status, 'completed');
    assert.equal(done.authInfo.firstSeen, false);
  });

  test('a replayed step and an unknown execution are Descope errors', async () => {
    const start = okData(await core.flow.start(FLOW));
    okData(await next(start, 'continue', { email: uniqueEmail('replay') }));
    assertDescopeError(await next(start, 'continue', { email: uniqueEmail('x') }), 400, 'E102116');
    assertDescopeError(
      await next({ executionId: `${FLOW}|#|gone`, stepId: '1' }, 'continue', {}),
      400,
      'E103205',
    );
  });
});

describe('flows through node-sdk management', () => {
  test('flow.list and flow.export', async () => {
    const { key } = server.createManagementKey('flows');
    const client = DescopeClient({ projectId: server.projectId, baseUrl: server.baseUrl, managementKey: key });
    const list = okData(await client.management.flow.list());
    assert.ok(list.flows.some((f) => f.id === FLOW));
    assert.equal(list.total, list.flows.length);
    const out = okData(await client.management.flow.export(FLOW));
    assert.equal(out.flow.id, FLOW);
    assert.ok(out.screens.some((s) => s.id === 'welcome'));
  });
});
