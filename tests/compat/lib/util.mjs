// Shared helpers for the compatibility tests.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';

export const PASSWORD = 'Correct-Horse-9-Battery';
export const PASSWORD2 = 'Second-Staple-7-Battery';
export const PASSWORD3 = 'Third-Paperclip-5-Lamp';

// A login id no other test uses (emails are case-insensitive: keep them lower-case).
export function uniqueEmail(tag = 'user') {
  return `${tag}-${randomBytes(4).toString('hex')}@compat.example`;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function b64urlJson(part) {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

// Header and payload of a JWT, unverified.
export function decodeJwt(jwt) {
  assert.equal(typeof jwt, 'string', 'expected a JWT string');
  const parts = jwt.split('.');
  assert.equal(parts.length, 3, 'a JWS compact serialization has three parts');
  return { header: b64urlJson(parts[0]), payload: b64urlJson(parts[1]) };
}

// A Descope error as the SDKs return it: {ok:false, code:<status>,
// error:{errorCode:"E" + 6 digits, errorDescription, errorMessage?}}.
// `status` and `code` may be single values or arrays of accepted values.
export function assertDescopeError(res, status, code) {
  assert.equal(res.ok, false, `expected an error, got ${JSON.stringify(res.data)}`);
  if (status !== undefined) {
    const statuses = [].concat(status);
    assert.ok(statuses.includes(res.code),
      `HTTP status ${res.code} not in [${statuses}] (${JSON.stringify(res.error)})`);
  }
  assert.ok(res.error && typeof res.error === 'object', 'error body must be JSON');
  assert.match(res.error.errorCode, /^E\d{6}$/, `errorCode of ${JSON.stringify(res.error)}`);
  assert.equal(typeof res.error.errorDescription, 'string');
  assert.ok(res.error.errorDescription.length > 0);
  if (code !== undefined) {
    const codes = [].concat(code);
    assert.ok(codes.includes(res.error.errorCode),
      `errorCode ${res.error.errorCode} not in [${codes}] (${JSON.stringify(res.error)})`);
  }
}

// Asserts an SDK response succeeded and returns its data.
export function okData(res, what = 'call') {
  assert.equal(res.ok, true, `${what} failed: ${res.code} ${JSON.stringify(res.error)}`);
  return res.data;
}

// The fields of a Descope JWTResponse (docs/descope-wire.md §2.4) on a successful sign-in.
export function assertJwtResponse(data, projectId, { firstSeen, loginId } = {}) {
  const now = Math.floor(Date.now() / 1000);
  assert.equal(typeof data.sessionJwt, 'string');
  assert.equal(typeof data.refreshJwt, 'string');
  const s = decodeJwt(data.sessionJwt);
  const r = decodeJwt(data.refreshJwt);
  assert.equal(data.sessionExpiration, s.payload.exp, 'sessionExpiration = exp of sessionJwt');
  assert.ok(Number.isInteger(data.cookieExpiration), 'cookieExpiration is an integer');
  assert.ok(Math.abs(data.cookieExpiration - r.payload.exp) <= 1, 'cookieExpiration = exp of refreshJwt');
  assert.ok(Number.isInteger(data.cookieMaxAge) && data.cookieMaxAge > 0, 'cookieMaxAge');
  assert.ok(Math.abs(now + data.cookieMaxAge - data.cookieExpiration) <= 5, 'cookieMaxAge matches cookieExpiration');
  assert.equal(data.cookiePath, '/');
  assert.equal(typeof data.cookieDomain, 'string');
  if (firstSeen !== undefined) assert.equal(data.firstSeen, firstSeen, 'firstSeen');
  else assert.equal(typeof data.firstSeen, 'boolean');
  assertSessionClaims(s, projectId);
  assertRefreshClaims(r, projectId);
  assert.equal(r.payload.sub, s.payload.sub);
  // user (§2.5)
  assert.ok(data.user, 'JWTResponse.user');
  assertUserResponse(data.user);
  assert.equal(data.user.userId, s.payload.sub, 'user.userId = sub');
  if (loginId) assert.equal(data.user.loginIds[0], loginId);
  // claims (rec): the decoded session claims
  if (data.claims) assert.deepEqual(data.claims, s.payload);
  return { session: s, refresh: r };
}

// Session JWT (DS) header and claims, docs/descope-wire.md §2.2.
export function assertSessionClaims({ header, payload }, projectId) {
  const now = Math.floor(Date.now() / 1000);
  assert.equal(header.alg, 'RS256');
  assert.equal(typeof header.kid, 'string');
  assert.ok(header.kid.length > 0);
  assert.match(payload.sub, /^U[A-Za-z0-9]{27}$/, 'sub is U + 27 chars');
  assert.equal(payload.iss, projectId, 'iss = project id');
  assert.ok(Number.isInteger(payload.iat) && Math.abs(payload.iat - now) <= 10, 'iat ~ now');
  assert.ok(Number.isInteger(payload.exp) && payload.exp > now, 'exp in the future');
  assert.equal(payload.drn, 'DS');
  assert.ok(Array.isArray(payload.amr));
  assert.ok(Array.isArray(payload.roles));
  assert.ok(Array.isArray(payload.permissions));
  assert.ok(payload.tenants && typeof payload.tenants === 'object' && !Array.isArray(payload.tenants));
  for (const forbidden of ['aud', 'nbf', 'dsub']) {
    assert.ok(!(forbidden in payload), `session JWT must not carry ${forbidden}`);
  }
}

// Refresh JWT (DSR), docs/descope-wire.md §2.3.
export function assertRefreshClaims({ header, payload }, projectId) {
  const now = Math.floor(Date.now() / 1000);
  assert.equal(header.alg, 'RS256');
  assert.equal(typeof header.kid, 'string');
  assert.match(payload.sub, /^U[A-Za-z0-9]{27}$/);
  assert.equal(payload.iss, projectId);
  assert.ok(Number.isInteger(payload.iat));
  assert.ok(payload.exp > now + 3600, 'refresh JWT lives longer than a session');
  assert.equal(payload.drn, 'DSR');
  assert.equal(typeof payload.jti, 'string');
  assert.ok(payload.jti.length >= 8, 'jti identifies the token');
  for (const forbidden of ['aud', 'nbf', 'dsub']) {
    assert.ok(!(forbidden in payload), `refresh JWT must not carry ${forbidden}`);
  }
}

// UserResponse, docs/descope-wire.md §2.5.
export function assertUserResponse(u) {
  assert.match(u.userId, /^U[A-Za-z0-9]{27}$/);
  assert.ok(Array.isArray(u.loginIds) && u.loginIds.length >= 1);
  for (const k of ['name', 'email', 'phone', 'status', 'picture']) {
    assert.equal(typeof u[k], 'string', `user.${k} is a string`);
  }
  for (const k of ['verifiedEmail', 'verifiedPhone', 'password', 'webauthn', 'TOTP', 'SAML', 'test']) {
    assert.equal(typeof u[k], 'boolean', `user.${k} is a boolean`);
  }
  assert.ok(Array.isArray(u.roleNames));
  assert.ok(Array.isArray(u.userTenants));
  for (const t of u.userTenants) {
    assert.equal(typeof t.tenantId, 'string');
    assert.ok(Array.isArray(t.roleNames));
  }
  assert.ok(['enabled', 'disabled', 'invited', 'expired'].includes(u.status));
  assert.ok(Number.isInteger(u.createdTime) && u.createdTime > 1.6e9 && u.createdTime < 1e11,
    'createdTime in seconds');
  assert.ok(u.customAttributes && typeof u.customAttributes === 'object');
  assert.ok(u.OAuth && typeof u.OAuth === 'object');
}
