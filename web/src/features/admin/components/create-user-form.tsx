import { useId, useState, type FormEvent } from 'react';
import { Alert, Button, Card, TextField } from '@/components/ui';
import { createUser } from '../api/mgmt';
import type { ManagedUser, Role } from '../api/types';
import { useMgmtAction } from '../hooks/use-mgmt';
import { RoleCheckboxes } from './role-checkboxes';

type CreateUserFormProps = {
  roles: Role[] | undefined;
  onCreated: (user: ManagedUser) => void;
  onCancel: () => void;
};

/** Creates an account: email, name, roles and an optional first password. */
export function CreateUserForm({ roles, onCreated, onCancel }: CreateUserFormProps) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [roleNames, setRoleNames] = useState<string[]>([]);
  const action = useMgmtAction();
  const headingId = useId();
  const errorId = useId();

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const result = await action.run('create', (call) =>
      createUser(call, {
        loginId: email.trim(),
        displayName: name.trim(),
        roleNames,
        password,
      }),
    );
    if (result.ok) onCreated(result.value);
  };

  return (
    <Card className="admin-create" aria-labelledby={headingId}>
      <h2 id={headingId}>New user</h2>
      <form
        className="admin-form"
        onSubmit={onSubmit}
        aria-describedby={action.error ? errorId : undefined}
        aria-busy={action.pending !== null || undefined}
      >
        <div className="admin-form__row">
          <TextField
            label="Email"
            name="email"
            type="email"
            inputMode="email"
            spellCheck={false}
            autoComplete="off"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
          <TextField
            label="Name"
            name="name"
            autoComplete="off"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <RoleCheckboxes
          legend="Roles"
          roles={roles}
          value={roleNames}
          onChange={setRoleNames}
        />
        <TextField
          label="First password (optional)"
          name="password"
          type="password"
          autoComplete="new-password"
          hint="Give it to the person; without one they cannot sign in with a password yet."
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        {action.error && (
          <Alert tone="error" id={errorId}>
            <p>{action.error}</p>
          </Alert>
        )}
        <div className="admin-actions">
          <Button type="submit" loading={action.pending === 'create'}>
            Create user
          </Button>
          <Button variant="secondary" onClick={onCancel}>
            Cancel
          </Button>
        </div>
      </form>
    </Card>
  );
}
