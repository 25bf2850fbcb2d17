// --email-verification required through @descope/core-js-sdk, unmodified, with a real SMTP
// server (docs/descope-wire.md §4.1): password.signUp answers 403 E062113 and mails a code,
// password.signIn is refused until otp.verify.email spends it, then signs in.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import createSdk from '@descope/core-js-sdk';
import { startServer } from '../lib/server.mjs';
import { startSmtpSink, codeIn } from '../lib/smtp-sink.mjs';
import { PASSWORD, uniqueEmail, okData, assertDescopeError, assertJwtResponse } from '../lib/util.mjs';

let sink;
let server;
let sdk;

before(async () => {
  sink = await startSmtpSink();
  server = await startServer({ args: [...sink.serverArgs, '--email-verification', 'required'] });
  sdk = createSdk({ projectId: server.projectId, baseUrl: server.baseUrl });
});
after(async () => {
  await server?.stop();
  await sink?.stop();
});

describe('email verification required', () => {
  test('password.signUp mails a code; signIn waits for otp.verify.email', async () => {
    const email = uniqueEmail('verify');
    const up = await sdk.password.signUp(email, PASSWORD);
    assertDescopeError(up, 403, 'E062113');
    assert.match(up.error.errorMessage, /v\*\*\*@c\*\*\*\.example/);
    const code = codeIn(await sink.waitForMail(email));
    assert.match(code, /^\d{6}$/);

    assertDescopeError(await sdk.password.signIn(email, PASSWORD), 403, 'E062113');
    assertDescopeError(await sdk.password.signIn(email, 'Wrong-Password-77'), 401, 'E062111');

    const data = okData(await sdk.otp.verify.email(email, code), 'otp.verify.email');
    assertJwtResponse(data, server.projectId, { firstSeen: false, loginId: email });
    assert.equal(data.user.verifiedEmail, true);

    const signedIn = okData(await sdk.password.signIn(email, PASSWORD), 'password.signIn after verifying');
    assert.equal(signedIn.user.userId, data.user.userId);
    assert.equal(signedIn.user.verifiedEmail, true);
  });
});
