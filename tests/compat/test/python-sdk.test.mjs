// The Python SDK side (docs/descope-wire.md §5.1) — what the tutorial's Flask backend runs —
// emulated with PyJWT (python/descope_py_emulation.py), since PyPI's `descope`
// cannot be installed offline. Also compares the tutorial's Flask endpoints
// (Flask test client) with Gatehouse's C++ /get_roles and /get_role_data.
// Skipped when /usr/bin/python3 has no PyJWT (Debian python3-jwt).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import DescopeClient from '@descope/node-sdk';
import { startServer } from '../lib/server.mjs';
import { PASSWORD, uniqueEmail, okData } from '../lib/util.mjs';

const PYTHON = process.env.COMPAT_PYTHON ?? '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../python/descope_py_emulation.py', import.meta.url));
const probe = spawnSync(PYTHON, ['-c', 'import jwt'], { encoding: 'utf8' });
const noPyJwt = probe.status !== 0 && `${PYTHON} cannot import jwt (apt-get install python3-jwt python3-cryptography)`;

const CHECKS = [
  ['validate_session', 'validate_session builds the §5.1 dict (roles, permissions, tenants, projectId, userId, sessionToken)'],
  ['key_cache', 'keys are fetched once from /v2/keys/{projectId} and cached by kid'],
  ['validate_roles', 'validate_roles(["teacher"]) / (["student"]) as the tutorial calls it'],
  ['validate_permissions', 'validate_permissions over the permissions claim'],
  ['validate_tenant_roles', 'validate_tenant_roles over the tenants claim'],
  ['forged_token_refused', 'a forged token raises AuthException 401'],
  ['refresh_session', 'refresh_session: session from the body, cookieData, user, firstSeen'],
  ['validate_and_refresh_session', 'validate_and_refresh_session falls back to refresh'],
  ['server_error_is_auth_exception', 'a non-2xx answer becomes AuthException(status, "server error", JSON body)'],
  ['tutorial_flask_matches_cpp', "the tutorial's Flask /get_roles and /get_role_data answer exactly like Gatehouse's C++ ones"],
];

describe('Python SDK §5.1, emulated with PyJWT', { skip: noPyJwt }, () => {
  let server;
  const results = new Map();
  let output = '';

  before(async () => {
    server = await startServer();
    const { key } = server.createManagementKey('python');
    const client = DescopeClient({ projectId: server.projectId, baseUrl: server.baseUrl, managementKey: key });
    const m = client.management;
    okData(await m.permission.create('grades.write'));
    okData(await m.role.create('grader', 'grades work', ['grades.write']));
    const tenantId = okData(await m.tenant.create('Python School')).id;

    const teacherId = uniqueEmail('py-teacher');
    const studentId = uniqueEmail('py-student');
    okData(await m.user.create(teacherId, { displayName: 'Py Teacher', roles: ['teacher', 'grader'] }));
    okData(await m.user.create(studentId, { displayName: 'Py Student', roles: ['student'] }));
    for (const id of [teacherId, studentId]) okData(await m.user.setActivePassword(id, PASSWORD));
    okData(await m.user.addTenant(teacherId, tenantId));
    okData(await m.user.setTenantRoles(teacherId, tenantId, ['grader']));
    const teacher = okData(await client.password.signIn(teacherId, PASSWORD));
    const student = okData(await client.password.signIn(studentId, PASSWORD));
    const revoked = okData(await client.password.signIn(studentId, PASSWORD));
    okData(await client.logout(revoked.refreshJwt));

    const roles = okData(await m.role.loadAll());
    const permissions = [...new Set(roles.filter((r) => ['teacher', 'grader'].includes(r.name))
      .flatMap((r) => r.permissionNames))];
    const tokens = {
      teacher: { sessionJwt: teacher.sessionJwt, refreshJwt: teacher.refreshJwt },
      student: { sessionJwt: student.sessionJwt, refreshJwt: student.refreshJwt },
      revokedRefresh: revoked.refreshJwt,
      tenantId,
      tenantRoles: ['grader'],
      permissions,
    };
    const env = { ...process.env, DESCOPE_BASE_URI: server.baseUrl, DESCOPE_PROJECT_ID: server.projectId, COMPAT_TOKENS: JSON.stringify(tokens) };
    const code = await new Promise((res) => {
      const p = spawn(PYTHON, [SCRIPT], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      p.stdout.setEncoding('utf8');
      p.stderr.setEncoding('utf8');
      p.stdout.on('data', (d) => { output += d; });
      p.stderr.on('data', (d) => { output += d; });
      p.on('exit', res);
    });
    for (const line of output.split('\n')) {
      if (line.startsWith('{')) {
        const r = JSON.parse(line);
        results.set(r.id, r);
      }
    }
    assert.ok(results.size > 0, `the emulation printed no results (exit ${code}):\n${output}`);
  });
  after(async () => { await server?.stop(); });

  for (const [id, title] of CHECKS) {
    test(title, (t) => {
      const r = results.get(id);
      assert.ok(r, `check ${id} did not run:\n${output}`);
      if (r.skip) { t.skip(r.skip); return; }
      assert.equal(r.ok, true, r.error);
    });
  }
});
