// The admin console (/admin), driven by the first admin (the account the server
// creates at its first start) and watched from a student's page. The tests run
// in order, on the admin's one page, and build on each other (`needs`).
import assert from 'node:assert/strict';
import { before, describe } from 'node:test';
import {
  PHONE,
  browser,
  createAccount,
  getJson,
  gone,
  it,
  itStayedLocal,
  noHorizontalScroll,
  postJson,
  screenshot,
  server,
  signIn,
  signUp,
  storage,
  unique,
  teacher,
  useServer,
  visible,
} from '../lib/e2e.mjs';

const student = {
  name: 'Sam Student',
  email: `sam.${unique}@example.com`,
  password: 'learning every day',
};
const adminPassword = 'a brand new console passphrase';

function adminNav(page, name) {
  return page
    .getByRole('navigation', { name: 'Admin sections' })
    .getByRole('link', { name, exact: true });
}

const FIRST_SIGN_IN = 'the first admin replaces the one-time password at first sign-in';
const STUDENT = 'a signed-in student has no Admin link and is told /admin needs the role';
const MADE_TEACHER =
  'the admin finds the student and makes them a teacher; their reload shows it';

describe('admin console', () => {
  useServer('admin');
  const admin = {}; // the admin's browser context and page, and the student's

  // A sign-in by someone else today: with the admin's two (the password change
  // and the API check), Activity has at least 3 to chart.
  before(async () => {
    await createAccount(teacher, ['teacher']);
    const signedIn = await postJson('/v1/auth/password/signin', server.projectId, {
      loginId: teacher.email,
      password: teacher.password,
    });
    assert.equal(signedIn.status, 200, `teacher sign-in: ${JSON.stringify(signedIn)}`);
  });

  it(FIRST_SIGN_IN, async () => {
    assert.ok(server.admin.password, 'the server printed the one-time password');
    const context = await browser.newContext();
    const page = await context.newPage();
    admin.context = context;
    admin.page = page;

    await signIn(page, server.admin);
    await visible(page.getByRole('heading', { name: 'Choose a new password' }));
    await visible(page.getByText(server.admin.email, { exact: true }));
    await screenshot(page, 'admin-change-password');
    await page.getByLabel('New password', { exact: true }).fill(adminPassword);
    await page.getByLabel('Confirm new password', { exact: true }).fill(adminPassword);
    await page.getByRole('button', { name: 'Save password and sign in' }).click();
    await page.waitForURL(`${server.baseUrl}/profile`);
    await visible(page.getByRole('heading', { level: 1, name: 'Administrator' }));

    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Admin' })
      .click();
    await page.waitForURL(`${server.baseUrl}/admin/users`);
    await visible(page.getByRole('heading', { name: 'Admin console' }));

    // The one-time password is spent; the new one works.
    const again = await postJson('/v1/auth/password/signin', server.projectId, {
      loginId: server.admin.email,
      password: server.admin.password,
    });
    assert.equal(again.status, 401, `old password: ${JSON.stringify(again)}`);
    const fresh = await postJson('/v1/auth/password/signin', server.projectId, {
      loginId: server.admin.email,
      password: adminPassword,
    });
    assert.equal(fresh.status, 200, `new password: ${JSON.stringify(fresh)}`);
  });

  it(STUDENT, async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    admin.studentContext = context;
    admin.studentPage = page;
    await signUp(page, student);
    await page.waitForURL(`${server.baseUrl}/profile`);
    await server.cli('user', 'set-roles', student.email, 'student');
    await page.goto(`${server.baseUrl}/dashboard`);
    await visible(page.getByRole('heading', { name: 'Student view' }));
    const nav = page.getByRole('navigation', { name: 'Main' });
    await visible(nav.getByRole('link', { name: 'Dashboard' }));
    assert.equal(await nav.getByRole('link', { name: 'Admin' }).count(), 0);

    await page.goto(`${server.baseUrl}/admin`);
    await visible(page.getByRole('heading', { name: 'You need the admin role' }));
    assert.equal(await page.getByRole('heading', { name: 'Admin console' }).count(), 0);
    await screenshot(page, 'admin-forbidden');

    // The server agrees: the student's own session is refused by the management API.
    const sessionJwt = await storage(page, 'DS');
    const refused = await postJson(
      '/v2/mgmt/user/search',
      `${server.projectId}:${sessionJwt}`,
      { text: '', limit: 1, page: 0 },
    );
    assert.equal(refused.status, 403, `student search: ${JSON.stringify(refused)}`);
    await page.goto(`${server.baseUrl}/dashboard`);
    await visible(page.getByRole('heading', { name: 'Student view' }));
  });

  it(MADE_TEACHER, { needs: [FIRST_SIGN_IN, STUDENT] }, async () => {
    const { page, studentPage } = admin;
    await adminNav(page, 'Users').click();
    await page.getByRole('searchbox', { name: 'Search users' }).fill('sam.');
    const manage = await visible(
      page.getByRole('button', { name: `Manage ${student.email}` }),
    );
    await visible(page.getByText(/1–1 of 1 user/));
    await manage.click();
    const panel = page.getByRole('region', { name: student.name });
    await visible(panel.getByText('Never').or(panel.getByText(/ago|just now/)));
    await panel.getByRole('checkbox', { name: 'teacher' }).check();
    await panel.getByRole('checkbox', { name: 'student' }).uncheck();
    await panel.getByRole('button', { name: 'Save roles' }).click();
    await visible(
      panel.getByText(/Roles saved\. .* next session refresh or page reload/),
    );
    await visible(
      page.getByRole('list', { name: `Roles of ${student.email}` }).getByText('teacher'),
    );
    await screenshot(page, 'admin-users');

    await studentPage.reload();
    await visible(studentPage.getByRole('heading', { name: 'Teacher view' }));
    assert.equal(
      await studentPage.getByRole('heading', { name: 'Student view' }).count(),
      0,
    );
  });

  it(
    'the admin deactivates the user and their next refresh fails',
    { needs: [MADE_TEACHER] },
    async () => {
      const { page, studentPage, studentContext } = admin;
      const panel = page.getByRole('region', { name: student.name });
      await panel.getByRole('button', { name: 'Deactivate' }).click();
      await panel
        .getByRole('group', { name: 'Confirm' })
        .getByRole('button', { name: 'Deactivate' })
        .click();
      await visible(panel.getByText(/is deactivated/));
      await visible(panel.getByText('Deactivated', { exact: true }));
      await screenshot(page, 'admin-user-deactivated');

      const refreshJwt = await storage(studentPage, 'DSR');
      const refused = await postJson(
        '/v1/auth/refresh',
        `${server.projectId}:${refreshJwt}`,
      );
      assert.equal(
        refused.status,
        401,
        `refresh after deactivation: ${JSON.stringify(refused)}`,
      );

      await studentPage.reload();
      await studentPage.waitForURL(`${server.baseUrl}/login`);
      await visible(studentPage.getByRole('heading', { name: 'Sign in', exact: true }));
      assert.equal(await storage(studentPage, 'DSR'), null, 'refresh token cleared');

      await signIn(studentPage, student);
      const alert = await visible(studentPage.getByRole('alert'));
      assert.match(await alert.innerText(), /disabled|cannot sign in/i);
      await studentContext.close();

      // Activate again: the account can sign in once more.
      await panel.getByRole('button', { name: 'Activate' }).click();
      await visible(panel.getByText(/is active again/));
    },
  );

  it(
    'the admin creates a user, and roles with permissions',
    { needs: [FIRST_SIGN_IN] },
    async () => {
      const { page } = admin;
      const newcomer = `new.${unique}@example.com`;
      await page.getByRole('button', { name: 'New user' }).click();
      const form = page.getByRole('region', { name: 'New user' });
      await form.getByLabel('Email', { exact: true }).fill(newcomer);
      await form.getByLabel('Name', { exact: true }).fill('Nia Newcomer');
      await form.getByRole('checkbox', { name: 'student' }).check();
      await form.getByLabel('First password (optional)').fill('a first password');
      await form.getByRole('button', { name: 'Create user' }).click();
      await visible(page.getByText(`Created ${newcomer}.`));
      await visible(page.getByRole('region', { name: 'Nia Newcomer' }));

      await adminNav(page, 'Roles').click();
      await page.waitForURL(`${server.baseUrl}/admin/roles`);
      await page.getByLabel('Permission name').fill('grades.read');
      await page.getByLabel('Description').last().fill('See every grade');
      await page.getByRole('button', { name: 'Add permission' }).click();
      await visible(page.getByText('Added permission grades.read.'));

      await page.getByRole('button', { name: 'New role' }).click();
      const roleForm = page.getByRole('form', { name: 'New role' });
      await roleForm.getByLabel('Role name').fill('assistant');
      await roleForm.getByLabel('Description').fill('Helps a teacher');
      await roleForm.getByRole('checkbox', { name: 'grades.read' }).check();
      await roleForm.getByRole('button', { name: 'Create role' }).click();
      await visible(page.getByText('Created role assistant.'));
      await visible(
        page
          .getByRole('list', { name: 'Permissions of assistant' })
          .getByText('grades.read'),
      );

      await page.getByRole('button', { name: 'Edit role assistant' }).click();
      const editForm = page.getByRole('form', { name: 'Edit role assistant' });
      await editForm.getByLabel('Description').fill('Helps a teacher grade');
      await editForm.getByRole('button', { name: 'Save role' }).click();
      await visible(page.getByText('Helps a teacher grade'));
      await screenshot(page, 'admin-roles');

      await page.getByRole('button', { name: 'Delete role assistant' }).click();
      await page
        .getByRole('group', { name: 'Confirm' })
        .getByRole('button', { name: 'Delete' })
        .click();
      await visible(page.getByText('Deleted role assistant.'));
      // The notice comes before the list is fetched again.
      await gone(page.getByRole('heading', { name: 'assistant' }));
      assert.equal(await page.getByRole('heading', { name: 'assistant' }).count(), 0);
    },
  );

  it(
    'Activity charts today’s sign-ins and lists failures and role changes',
    { needs: [MADE_TEACHER] },
    async () => {
      const { page } = admin;
      const daily = await getJson(
        '/v1/mgmt/audit/daily?days=30&action=user.signin',
        `${server.projectId}:${await storage(page, 'DS')}`,
      );
      assert.equal(daily.status, 200, `daily: ${JSON.stringify(daily)}`);
      const today = daily.body.days.at(-1).count;
      assert.ok(today >= 3, `sign-ins today: ${today}`);

      await adminNav(page, 'Activity').click();
      await page.waitForURL(`${server.baseUrl}/admin/activity`);
      await visible(page.getByText(new RegExp(`^${today} sign-ins today$`)));
      await visible(page.getByRole('img', { name: /Sign-ins per day/ }));
      const todayBar = page.locator('.chart__day--today title');
      assert.equal(await todayBar.textContent(), `Today: ${today} sign-ins`);

      const failed = page.getByRole('list', { name: 'Failed sign-ins' });
      await visible(failed.getByText(server.admin.email));
      await visible(failed.getByText('Password expired'));
      const changes = page.getByRole('list', { name: 'Role changes' });
      await visible(changes.getByText(student.email));
      await visible(changes.getByText('Now: teacher'));
      await visible(
        page.getByRole('list', { name: 'Recent sign-ins' }).getByText(server.admin.email),
      );
      await screenshot(page, 'admin-activity');
    },
  );

  it('the console reads well at phone width', { needs: [FIRST_SIGN_IN] }, async () => {
    const context = await browser.newContext(PHONE);
    const page = await context.newPage();
    await signIn(page, { email: server.admin.email, password: adminPassword });
    await page.waitForURL(`${server.baseUrl}/profile`);
    for (const [section, ready] of [
      ['users', page.getByRole('button', { name: `Manage ${student.email}` })],
      ['roles', page.getByRole('heading', { name: 'teacher', exact: true })],
      ['activity', page.getByRole('img', { name: /Sign-ins per day/ })],
    ]) {
      await page.goto(`${server.baseUrl}/admin/${section}`);
      await visible(ready);
      await noHorizontalScroll(page);
      await screenshot(page, `mobile-admin-${section}`);
    }
    await page.getByRole('button', { name: 'Refresh' }).click();
    await context.close();
    await admin.context.close();
  });

  itStayedLocal();
});
