import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeMgmt, PERMISSIONS, ROLES } from '@/testing/admin-fixtures';
import { signInAdmin } from '@/testing/descope-mock';
import { jsonBody, sequence, type FakeRoute } from '@/testing/fake-api';
import { renderApp } from '@/testing/render-app';

function openRoles(options: Parameters<typeof fakeMgmt>[0] = {}) {
  const api = fakeMgmt(options);
  signInAdmin();
  renderApp('/admin/roles');
  return api;
}

const roleList = () => screen.findByRole('list', { name: 'Roles' });
const item = (name: string) => screen.getByRole('heading', { name }).closest('li')!;

describe('/admin/roles', () => {
  it('shows placeholders while roles load', async () => {
    openRoles({ routes: { '/v1/mgmt/role/all': () => new Promise(() => {}) } });
    expect(await screen.findByLabelText('Loading roles')).toHaveAttribute(
      'aria-busy',
      'true',
    );
    expect(screen.getByRole('button', { name: 'New role' })).toBeDisabled();
  });

  it('lists roles with their descriptions and permissions', async () => {
    openRoles();
    const list = await roleList();
    expect(
      within(list)
        .getAllByRole('heading')
        .map((h) => h.textContent),
    ).toEqual(['admin', 'student', 'teacher']);
    expect(
      screen.getByRole('list', { name: 'Permissions of teacher' }),
    ).toHaveTextContent('grades.write');
    expect(within(item('student')).getByText('No permissions')).toBeInTheDocument();
    expect(screen.getByRole('list', { name: 'Permissions' })).toHaveTextContent(
      'grades.write',
    );
    expect(document.title).toBe('Roles · Admin · Gatehouse');
  });

  it('does not offer to delete the admin role', async () => {
    openRoles();
    await roleList();
    expect(screen.getByRole('button', { name: 'Edit role admin' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Delete role admin' })).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Edit role admin' }));
    const form = screen.getByRole('form', { name: 'Edit role admin' });
    expect(within(form).getByLabelText('Role name')).toBeDisabled();
  });

  it('says when there are no roles or permissions', async () => {
    openRoles({ roles: [], permissions: [] });
    expect(await screen.findByText('No roles yet.')).toBeInTheDocument();
    expect(screen.getByText('No permissions yet.')).toBeInTheDocument();
  });

  it('explains a failure to load and retries', async () => {
    openRoles({
      routes: {
        '/v1/mgmt/role/all': sequence('network-error', { body: { roles: ROLES } }),
      },
    });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Couldn’t load roles');
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await roleList()).toBeInTheDocument();
  });

  it('creates a role with permissions', async () => {
    const api = openRoles();
    await roleList();
    await userEvent.click(screen.getByRole('button', { name: 'New role' }));
    const form = screen.getByRole('form', { name: 'New role' });
    await userEvent.type(within(form).getByLabelText('Role name'), 'assistant');
    await userEvent.type(within(form).getByLabelText('Description'), 'Helps out');
    await userEvent.click(within(form).getByRole('checkbox', { name: 'grades.write' }));
    await userEvent.click(within(form).getByRole('button', { name: 'Create role' }));
    expect(await screen.findByText('Created role assistant.')).toBeInTheDocument();
    expect(await jsonBody(api.callsTo('/v1/mgmt/role/create')[0]!)).toEqual({
      name: 'assistant',
      description: 'Helps out',
      permissionNames: ['grades.write'],
    });
    expect(screen.queryByRole('form', { name: 'New role' })).toBeNull();
    await waitFor(() => expect(api.callsTo('/v1/mgmt/role/all')).toHaveLength(2));
  });

  it('shows why a role could not be created', async () => {
    openRoles({
      routes: {
        '/v1/mgmt/role/create': {
          status: 409,
          body: { errorCode: 'E011409', errorMessage: 'role already exists: teacher' },
        },
      },
    });
    await roleList();
    await userEvent.click(screen.getByRole('button', { name: 'New role' }));
    const form = screen.getByRole('form', { name: 'New role' });
    await userEvent.type(within(form).getByLabelText('Role name'), 'teacher');
    await userEvent.click(within(form).getByRole('button', { name: 'Create role' }));
    expect(await within(form).findByRole('alert')).toHaveTextContent(
      'role already exists: teacher',
    );
  });

  it('edits a role: name, description and permissions', async () => {
    const api = openRoles();
    await roleList();
    await userEvent.click(screen.getByRole('button', { name: 'Edit role teacher' }));
    const form = screen.getByRole('form', { name: 'Edit role teacher' });
    expect(within(form).getByRole('checkbox', { name: 'grades.write' })).toBeChecked();
    const name = within(form).getByLabelText('Role name');
    await userEvent.clear(name);
    await userEvent.type(name, 'instructor');
    await userEvent.click(within(form).getByRole('checkbox', { name: 'grades.write' }));
    await userEvent.click(within(form).getByRole('button', { name: 'Save role' }));
    expect(await screen.findByText(/Saved role instructor\./)).toBeInTheDocument();
    expect(await jsonBody(api.callsTo('/v1/mgmt/role/update')[0]!)).toEqual({
      name: 'teacher',
      newName: 'instructor',
      description: 'Sees the teacher dashboard',
      permissionNames: [],
    });
  });

  it('deletes a role after confirmation', async () => {
    const api = openRoles();
    await roleList();
    await userEvent.click(screen.getByRole('button', { name: 'Delete role student' }));
    const confirm = screen.getByRole('group', { name: 'Confirm' });
    expect(confirm).toHaveTextContent('Users who hold it lose it');
    expect(within(confirm).getByRole('button', { name: 'Delete' })).toHaveFocus();
    await userEvent.click(within(confirm).getByRole('button', { name: 'Delete' }));
    expect(await screen.findByText('Deleted role student.')).toBeInTheDocument();
    expect(await jsonBody(api.callsTo('/v1/mgmt/role/delete')[0]!)).toEqual({
      name: 'student',
    });
  });

  it('adds and deletes permissions', async () => {
    const api = openRoles();
    await screen.findByRole('list', { name: 'Permissions' });
    await userEvent.type(screen.getByLabelText('Permission name'), 'grades.read');
    const form = screen.getByRole('form', { name: 'New permission' });
    await userEvent.type(within(form).getByLabelText('Description'), 'See grades');
    await userEvent.click(screen.getByRole('button', { name: 'Add permission' }));
    expect(await screen.findByText('Added permission grades.read.')).toBeInTheDocument();
    expect(await jsonBody(api.callsTo('/v1/mgmt/permission/create')[0]!)).toEqual({
      name: 'grades.read',
      description: 'See grades',
    });
    expect(screen.getByLabelText('Permission name')).toHaveValue('');

    await userEvent.click(
      screen.getByRole('button', { name: 'Delete permission grades.write' }),
    );
    const confirm = screen.getByRole('group', { name: 'Confirm' });
    expect(confirm).toHaveTextContent('Roles that include it lose it');
    await userEvent.click(within(confirm).getByRole('button', { name: 'Delete' }));
    expect(
      await screen.findByText('Deleted permission grades.write.'),
    ).toBeInTheDocument();
    expect(await jsonBody(api.callsTo('/v1/mgmt/permission/delete')[0]!)).toEqual({
      name: 'grades.write',
    });
  });

  it('shows why a permission could not be added', async () => {
    const refusal: FakeRoute = {
      status: 400,
      body: {
        errorCode: 'E011003',
        errorMessage:
          "Permission names may contain letters, digits, space, '_', '-', '.' and ':'",
      },
    };
    openRoles({
      permissions: PERMISSIONS,
      routes: { '/v1/mgmt/permission/create': refusal },
    });
    await screen.findByRole('list', { name: 'Permissions' });
    await userEvent.type(screen.getByLabelText('Permission name'), 'bad name!');
    await userEvent.click(screen.getByRole('button', { name: 'Add permission' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Permission names may contain',
    );
    expect(screen.getByLabelText('Permission name')).toHaveValue('bad name!');
  });
});
