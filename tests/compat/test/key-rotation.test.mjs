// @descope/node-sdk across signing-key rotations (docs/security.md "Signing keys",
// docs/descope-wire.md §2.1): one long-lived client keeps validating sessions and
// refreshing while `gatehouse key rotate` runs in another process, with zero failures;
// what the key set publishes at each stage; a forced retire as a client started
// afterwards sees it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import DescopeClient from '@descope/node-sdk';
import { startServer } from '../lib/server.mjs';
import { PASSWORD, uniqueEmail, decodeJwt, okData, sleep } from '../lib/util.mjs';

let server;

before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
});

const kidOf = (jwt) => decodeJwt(jwt).header.kid;

// `gatehouse key list`: {kid: state}.
function keyStates() {
  const rows = server.cli('key', 'list').trim().split('\n').slice(1);
  return Object.fromEntries(rows.map((l) => l.split('\t').slice(0, 2)));
}
const kidIn = (state) => Object.entries(keyStates()).find(([, s]) => s === state)?.[0];

async function publishedKids() {
  const res = await fetch(`${server.baseUrl}/v2/keys/${server.projectId}`);
  assert.equal(res.status, 200);
  return (await res.json()).keys.map((k) => k.kid);
}

// Waits for what another process does (the server re-reads the keys every second);
// fails only if it never happens.
async function eventually(done, what) {
  const deadline = Date.now() + 30000;
  while (Date.now() < deadline) {
    if (await done()) return;
    await sleep(50);
  }
  assert.fail(`never happened: ${what}`);
}

test('a long-lived node-sdk client validates and refreshes with zero failures while the keys rotate twice', async () => {
  const client = DescopeClient({ projectId: server.projectId, baseUrl: server.baseUrl });
  const k1 = kidIn('current');
  const n1 = kidIn('next');
  assert.deepEqual(await publishedKids(), [k1, n1], 'the next key is published before it signs');

  const workers = 4;
  const logins = [];
  for (let i = 0; i < workers; i++) {
    logins.push(okData(await client.password.signUp(uniqueEmail('rotation'), PASSWORD), 'signUp'));
  }
  let stop = false;
  let validations = 0;
  const failures = [];
  const kidsSeen = new Set();
  const loops = logins.map(async (login) => {
    const first = login.sessionJwt; // signed before any rotation
    let refresh = login.refreshJwt;
    while (!stop) {
      try {
        // refreshSession validates the refresh JWT (signed by whichever key was current),
        // calls the server and validates the new session JWT it returns.
        const refreshed = await client.refreshSession(refresh);
        refresh = refreshed.refreshJwt;
        await client.validateSession(refreshed.jwt);
        await client.validateSession(first);
        kidsSeen.add(kidOf(refreshed.jwt));
        validations++;
      } catch (e) {
        failures.push(String(e?.message ?? e));
        if (failures.length > 20) stop = true;
      }
    }
  });
  let n2;
  const more = (n) => {
    const target = validations + n;
    return eventually(() => validations >= target || failures.length > 0, `${n} more validations`);
  };

  try {
    await more(2 * workers);
    server.cli('key', 'rotate', '--force'); // throws unless it exits 0
    n2 = kidIn('next');
    await eventually(() => kidsSeen.has(n1) || failures.length > 0, `tokens signed by ${n1}`);
    assert.deepEqual(await publishedKids(), [n1, n2, k1], 'current, next, then the key that stopped signing');
    await more(2 * workers);

    server.cli('key', 'rotate', '--force');
    const n3 = kidIn('next');
    await eventually(() => kidsSeen.has(n2) || failures.length > 0, `tokens signed by ${n2}`);
    assert.deepEqual(await publishedKids(), [n2, n3, n1, k1]);
    await more(2 * workers);
  } finally {
    stop = true;
    await Promise.all(loops);
  }
  assert.deepEqual(failures, []);
  for (const kid of [k1, n1, n2]) assert.ok(kidsSeen.has(kid), `a session signed by ${kid} was validated`);
});

test('after a forced retire, a client that fetches the keys afresh refuses the retired key\'s tokens', async () => {
  const client = DescopeClient({ projectId: server.projectId, baseUrl: server.baseUrl });
  const loginId = uniqueEmail('retired');
  const old = okData(await client.password.signUp(loginId, PASSWORD), 'signUp');
  const k = kidOf(old.sessionJwt);
  await client.validateSession(old.sessionJwt);

  server.cli('key', 'rotate', '--force');
  await eventually(async () => (await publishedKids())[0] !== k, 'the rotation reaches the server');
  // Within its lifetime the old token is still good, and retiring its key is refused.
  await client.validateSession(old.sessionJwt);
  assert.throws(() => server.cli('key', 'retire', k), /stay valid until[\s\S]*--force/);

  server.cli('key', 'retire', k, '--force');
  await eventually(async () => !(await publishedKids()).includes(k), `${k} leaves the key set`);
  const fresh = DescopeClient({ projectId: server.projectId, baseUrl: server.baseUrl });
  await assert.rejects(fresh.validateSession(old.sessionJwt));
  await assert.rejects(client.refreshSession(old.refreshJwt), 'the server refuses its refresh token');
  const now = okData(await client.password.signIn(loginId, PASSWORD), 'signIn');
  assert.notEqual(kidOf(now.sessionJwt), k);
  await fresh.validateSession(now.sessionJwt);
});
