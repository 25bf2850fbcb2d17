import { useId, useState, type FormEvent } from 'react';
import { Alert, Button, Card, Skeleton, TextField } from '@/components/ui';
import {
  createPermission,
  createRole,
  deletePermission,
  deleteRole,
  listPermissions,
  listRoles,
  updateRole,
} from '../api/mgmt';
import type { Permission, Role } from '../api/types';
import { useMgmtAction, useMgmtQuery } from '../hooks/use-mgmt';
import { Confirm } from './confirm';
import { LoadError } from './load-error';
import { RoleForm } from './role-form';

/** The role the console itself depends on: it can be edited but not renamed or deleted. */
const ADMIN_ROLE = 'admin';

/** Roles with their permissions, and the permissions themselves. */
export function RolesPage() {
  const roles = useMgmtQuery('roles', listRoles);
  const permissions = useMgmtQuery('permissions', listPermissions);
  const reloadAll = () => {
    roles.reload();
    permissions.reload();
  };

  return (
    <div className="admin-roles">
      <RolesCard
        roles={roles.data}
        status={roles.status}
        error={roles.error}
        permissions={permissions.data}
        onChanged={reloadAll}
        onRetry={roles.reload}
      />
      <PermissionsCard
        permissions={permissions.data}
        status={permissions.status}
        error={permissions.error}
        onChanged={reloadAll}
        onRetry={permissions.reload}
      />
    </div>
  );
}

type Loaded<T> = {
  status: 'loading' | 'success' | 'error';
  error: string | null;
  onRetry: () => void;
  onChanged: () => void;
} & T;

function RolesCard({
  roles,
  status,
  error,
  permissions,
  onChanged,
  onRetry,
}: Loaded<{ roles: Role[] | undefined; permissions: Permission[] | undefined }>) {
  // null: nothing open; '' : the new-role form; a name: that role's edit form.
  const [editing, setEditing] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const action = useMgmtAction();
  const headingId = useId();

  const open = (name: string | null) => {
    setEditing(name);
    setDeleting(null);
    setNotice(null);
    action.clearError();
  };

  const save = async (role: Role) => {
    const original = editing;
    const result = await action.run('save', (call) =>
      original ? updateRole(call, original, role) : createRole(call, role),
    );
    if (!result.ok) return;
    setEditing(null);
    setNotice(
      original
        ? `Saved role ${role.name}. Users holding it get the change at their next session refresh.`
        : `Created role ${role.name}.`,
    );
    onChanged();
  };

  const remove = async (name: string) => {
    setDeleting(null);
    const result = await action.run(`delete:${name}`, (call) => deleteRole(call, name));
    if (!result.ok) return;
    setNotice(`Deleted role ${name}.`);
    onChanged();
  };

  return (
    <Card className="admin-roles__card" aria-labelledby={headingId}>
      <div className="admin-card-head">
        <h2 id={headingId}>Roles</h2>
        {editing !== '' && (
          <Button onClick={() => open('')} disabled={status !== 'success'}>
            New role
          </Button>
        )}
      </div>
      <p className="admin-muted">
        Roles go into each user’s session token; the tutorial’s dashboard reads{' '}
        <code>teacher</code> and <code>student</code>.
      </p>

      {editing === '' && (
        <div className="admin-roles__new">
          <RoleForm
            permissions={permissions}
            pending={action.pending === 'save'}
            error={action.error}
            onSubmit={save}
            onCancel={() => open(null)}
          />
        </div>
      )}
      {notice && <Alert tone="success">{notice}</Alert>}
      {action.error && editing === null && (
        <Alert tone="error">
          <p>{action.error}</p>
        </Alert>
      )}

      {status === 'error' ? (
        <LoadError what="roles" error={error} onRetry={onRetry} />
      ) : roles === undefined ? (
        <ListSkeleton label="Loading roles" />
      ) : roles.length === 0 ? (
        <div className="admin-state admin-state--empty">
          <p className="admin-state__title">No roles yet.</p>
          <p className="admin-muted">Create one with “New role”.</p>
        </div>
      ) : (
        <ul className="admin-items" aria-label="Roles">
          {roles.map((role) => (
            <li key={role.name} className="admin-item">
              {editing === role.name ? (
                <RoleForm
                  initial={role}
                  permissions={permissions}
                  nameLocked={role.name === ADMIN_ROLE}
                  pending={action.pending === 'save'}
                  error={action.error}
                  onSubmit={save}
                  onCancel={() => open(null)}
                />
              ) : (
                <>
                  <div className="admin-item__main">
                    <h3 className="admin-item__name">{role.name}</h3>
                    {role.description && (
                      <p className="admin-item__desc">{role.description}</p>
                    )}
                    {role.permissionNames.length > 0 ? (
                      <ul
                        className="admin-chips"
                        aria-label={`Permissions of ${role.name}`}
                      >
                        {role.permissionNames.map((p) => (
                          <li key={p} className="admin-chip admin-chip--muted">
                            {p}
                          </li>
                        ))}
                      </ul>
                    ) : (
                      <p className="admin-muted admin-item__desc">No permissions</p>
                    )}
                  </div>
                  {deleting === role.name ? (
                    <Confirm
                      text={`Delete the role ${role.name}? Users who hold it lose it at their next session refresh.`}
                      action="Delete"
                      onConfirm={() => remove(role.name)}
                      onCancel={() => setDeleting(null)}
                    />
                  ) : (
                    <div className="admin-item__actions">
                      <Button
                        variant="secondary"
                        size="sm"
                        aria-label={`Edit role ${role.name}`}
                        onClick={() => open(role.name)}
                      >
                        Edit
                      </Button>
                      {role.name !== ADMIN_ROLE && (
                        <Button
                          variant="secondary"
                          size="sm"
                          danger
                          aria-label={`Delete role ${role.name}`}
                          loading={action.pending === `delete:${role.name}`}
                          onClick={() => {
                            setNotice(null);
                            setDeleting(role.name);
                          }}
                        >
                          Delete
                        </Button>
                      )}
                    </div>
                  )}
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

function PermissionsCard({
  permissions,
  status,
  error,
  onChanged,
  onRetry,
}: Loaded<{ permissions: Permission[] | undefined }>) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [deleting, setDeleting] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const action = useMgmtAction();
  const headingId = useId();

  const add = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setNotice(null);
    const permission = { name: name.trim(), description: description.trim() };
    const result = await action.run('add', (call) => createPermission(call, permission));
    if (!result.ok) return;
    setName('');
    setDescription('');
    setNotice(`Added permission ${permission.name}.`);
    onChanged();
  };

  const remove = async (permission: string) => {
    setDeleting(null);
    setNotice(null);
    const result = await action.run(`delete:${permission}`, (call) =>
      deletePermission(call, permission),
    );
    if (!result.ok) return;
    setNotice(`Deleted permission ${permission}.`);
    onChanged();
  };

  return (
    <Card className="admin-roles__card" aria-labelledby={headingId}>
      <h2 id={headingId}>Permissions</h2>
      <p className="admin-muted">
        Permissions are grouped into roles and appear in the session token’s{' '}
        <code>permissions</code> claim.
      </p>

      {status === 'error' ? (
        <LoadError what="permissions" error={error} onRetry={onRetry} />
      ) : permissions === undefined ? (
        <ListSkeleton label="Loading permissions" />
      ) : permissions.length === 0 ? (
        <p className="admin-state__title">No permissions yet.</p>
      ) : (
        <ul className="admin-items" aria-label="Permissions">
          {permissions.map((p) => (
            <li key={p.name} className="admin-item">
              <div className="admin-item__main">
                <h3 className="admin-item__name">{p.name}</h3>
                {p.description && <p className="admin-item__desc">{p.description}</p>}
              </div>
              {deleting === p.name ? (
                <Confirm
                  text={`Delete the permission ${p.name}? Roles that include it lose it.`}
                  action="Delete"
                  onConfirm={() => remove(p.name)}
                  onCancel={() => setDeleting(null)}
                />
              ) : (
                <div className="admin-item__actions">
                  <Button
                    variant="secondary"
                    size="sm"
                    danger
                    aria-label={`Delete permission ${p.name}`}
                    loading={action.pending === `delete:${p.name}`}
                    onClick={() => setDeleting(p.name)}
                  >
                    Delete
                  </Button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}

      <form
        className="admin-form admin-perm-form"
        onSubmit={add}
        aria-label="New permission"
        aria-busy={action.pending === 'add' || undefined}
      >
        <h3>Add a permission</h3>
        <div className="admin-form__row admin-form__row--inline">
          <TextField
            label="Permission name"
            name="permission"
            required
            autoComplete="off"
            spellCheck={false}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
          <TextField
            label="Description"
            name="permission-description"
            autoComplete="off"
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
          <Button type="submit" variant="secondary" loading={action.pending === 'add'}>
            Add permission
          </Button>
        </div>
      </form>
      {action.error && (
        <Alert tone="error">
          <p>{action.error}</p>
        </Alert>
      )}
      {notice && <Alert tone="success">{notice}</Alert>}
    </Card>
  );
}

function ListSkeleton({ label }: { label: string }) {
  return (
    <div className="admin-skeleton" aria-busy="true" aria-label={label}>
      {Array.from({ length: 3 }, (_, i) => (
        <div key={i} className="admin-skeleton__row">
          <Skeleton width="short" />
          <Skeleton width="medium" />
        </div>
      ))}
    </div>
  );
}
