// Email one-time codes and magic links through @descope/core-js-sdk, unmodified, with a
// real SMTP server: the code and the link are read from the mail
// (docs/descope-wire.md §4.2, §4.3).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import createSdk from '@descope/core-js-sdk';
import { startServer } from '../lib/server.mjs';
import { startSmtpSink, codeIn, linkIn } from '../lib/smtp-sink.mjs';
import {
  PASSWORD, PASSWORD2, uniqueEmail, okData, decodeJwt, assertDescopeError, assertJwtResponse,
} from '../lib/util.mjs';

const APP = 'http://localhost:3000';
let sink;
let server;
let sdk;

before(async () => {
  sink = await startSmtpSink();
  server = await startServer({ args: [...sink.serverArgs, '--redirect-origins', APP] });
  sdk = createSdk({ projectId: server.projectId, baseUrl: server.baseUrl });
});
after(async () => {
  await server?.stop();
  await sink?.stop();
});

describe('email OTP', () => {
  test('otp.signUpOrIn.email, then otp.verify.email with the mailed code', async () => {
    const email = uniqueEmail('otp');
    const sent = okData(await sdk.otp.signUpOrIn.email(email), 'otp.signUpOrIn.email');
    assert.match(sent.maskedEmail, /^o\*\*\*@c\*\*\*\.example$/);
    const code = codeIn(await sink.waitForMail(email));
    assert.match(code, /^\d{6}$/);

    const data = okData(await sdk.otp.verify.email(email, code), 'otp.verify.email');
    assertJwtResponse(data, server.projectId, { firstSeen: true, loginId: email });
    assert.equal(data.user.verifiedEmail, true);
    assert.deepEqual(decodeJwt(data.sessionJwt).payload.amr, ['email']);
    okData(await sdk.refresh(data.refreshJwt), 'refresh after an OTP sign-in');

    // A code works once.
    assertDescopeError(await sdk.otp.verify.email(email, code), 401, 'E061102');
    // Again: the same account, not first seen.
    okData(await sdk.otp.signUpOrIn.email(email));
    const again = okData(await sdk.otp.verify.email(email, codeIn(await sink.waitForMail(email, 1))));
    assert.equal(again.firstSeen, false);
    assert.equal(again.user.userId, data.user.userId);
  });

  test('a wrong code is E061102; the fifth wrong try E061103', async () => {
    const email = uniqueEmail('wrong');
    okData(await sdk.otp.signUpOrIn.email(email));
    const code = codeIn(await sink.waitForMail(email));
    const wrong = code === '000000' ? '000001' : '000000';
    for (let i = 0; i < 4; i++) assertDescopeError(await sdk.otp.verify.email(email, wrong), 401, 'E061102');
    assertDescopeError(await sdk.otp.verify.email(email, wrong), 401, 'E061103');
    assertDescopeError(await sdk.otp.verify.email(email, code), 401, 'E061102');
  });

  test('sign-up of an existing address is "user already exists"', async () => {
    const email = uniqueEmail('dup');
    okData(await sdk.otp.signUpOrIn.email(email));
    okData(await sdk.otp.verify.email(email, codeIn(await sink.waitForMail(email))));
    assertDescopeError(await sdk.otp.signUp.email(email), 409, 'E062107');
  });

  test('sign-in of an unknown address answers as a known one and mails nothing', async () => {
    const unknown = uniqueEmail('nobody');
    const data = okData(await sdk.otp.signIn.email(unknown));
    assert.match(data.maskedEmail, /^n\*\*\*@c\*\*\*\.example$/);
    assert.equal(sink.count(unknown), 0);
  });
});

describe('magic link', () => {
  test('magicLink.signUpOrIn.email, then magicLink.verify with the token of the mailed link', async () => {
    const email = uniqueEmail('link');
    const sent = okData(await sdk.magicLink.signUpOrIn.email(email, `${APP}/verify`), 'magicLink.signUpOrIn.email');
    assert.match(sent.maskedEmail, /^l\*\*\*@c\*\*\*\.example$/);
    const link = linkIn(await sink.waitForMail(email));
    assert.ok(link.startsWith(`${APP}/verify?t=`), link);
    const token = new URL(link).searchParams.get('t');

    // Another SDK instance (another browser) completes it.
    const other = createSdk({ projectId: server.projectId, baseUrl: server.baseUrl });
    const data = okData(await other.magicLink.verify(token), 'magicLink.verify');
    assertJwtResponse(data, server.projectId, { firstSeen: true, loginId: email });
    assert.equal(data.user.verifiedEmail, true);
    assertDescopeError(await sdk.magicLink.verify(token), 401, 'E063010');
  });

  test('magicLink.signIn.email of the account, then verify', async () => {
    const email = uniqueEmail('ml');
    okData(await sdk.otp.signUpOrIn.email(email));
    const first = okData(await sdk.otp.verify.email(email, codeIn(await sink.waitForMail(email))));
    okData(await sdk.magicLink.signIn.email(email, `${APP}/verify`), 'magicLink.signIn.email');
    const token = new URL(linkIn(await sink.waitForMail(email, 1))).searchParams.get('t');
    const data = okData(await sdk.magicLink.verify(token));
    assert.equal(data.firstSeen, false);
    assert.equal(data.user.userId, first.user.userId);
  });

  test('a link may only point into an allowed origin', async () => {
    assertDescopeError(await sdk.magicLink.signUpOrIn.email(uniqueEmail('evil'), 'https://evil.example/verify'), 400);
  });
});

describe('password reset', () => {
  test('password.sendReset, the mailed link through magicLink.verify, password.update, then signIn with the new password', async () => {
    const email = uniqueEmail('reset');
    const up = okData(await sdk.password.signUp(email, PASSWORD), 'password.signUp');
    const sent = okData(await sdk.password.sendReset(email, `${APP}/reset`), 'password.sendReset');
    assert.equal(sent.resetMethod, 'magiclink');
    assert.match(sent.maskedEmail, /^r\*\*\*@c\*\*\*\.example$/);
    const link = linkIn(await sink.waitForMail(email));
    assert.ok(link.startsWith(`${APP}/reset?t=`), link);
    const token = new URL(link).searchParams.get('t');

    const data = okData(await sdk.magicLink.verify(token), 'magicLink.verify of the reset link');
    assertJwtResponse(data, server.projectId, { firstSeen: false, loginId: email });
    assert.equal(data.user.userId, up.user.userId);
    assertDescopeError(await sdk.magicLink.verify(token), 401, 'E063010');

    okData(await sdk.password.update(email, PASSWORD2, data.refreshJwt), 'password.update');
    const again = okData(await sdk.password.signIn(email, PASSWORD2), 'signIn with the new password');
    assert.equal(again.user.userId, up.user.userId);
    assertDescopeError(await sdk.password.signIn(email, PASSWORD), 401);
    assertDescopeError(await sdk.refresh(up.refreshJwt), 401);
  });

  test('sendReset of an unknown address answers as a known one and mails nothing', async () => {
    const known = uniqueEmail('rs');
    okData(await sdk.password.signUp(known, PASSWORD));
    const unknown = uniqueEmail('rs');
    const a = okData(await sdk.password.sendReset(known, `${APP}/reset`));
    const b = okData(await sdk.password.sendReset(unknown, `${APP}/reset`));
    assert.deepEqual(a, b);
    await sink.waitForMail(known);
    assert.equal(sink.count(unknown), 0);
    assertDescopeError(await sdk.password.sendReset(known, 'https://evil.example/reset'), 400);
  });
});
