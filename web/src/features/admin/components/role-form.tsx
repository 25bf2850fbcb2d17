import { useId, useState, type FormEvent } from 'react';
import { Alert, Button, Skeleton, TextField } from '@/components/ui';
import type { Permission, Role } from '../api/types';

type RoleFormProps = {
  /** The role being edited; absent for a new role. */
  initial?: Role;
  permissions: Permission[] | undefined;
  /** Some roles keep their name (the console depends on "admin"). */
  nameLocked?: boolean;
  pending: boolean;
  error: string | null;
  onSubmit: (role: Role) => void;
  onCancel: () => void;
};

/** Name, description and permissions of a role. */
export function RoleForm({
  initial,
  permissions,
  nameLocked,
  pending,
  error,
  onSubmit,
  onCancel,
}: RoleFormProps) {
  const [name, setName] = useState(initial?.name ?? '');
  const [description, setDescription] = useState(initial?.description ?? '');
  const [chosen, setChosen] = useState<string[]>(initial?.permissionNames ?? []);
  const id = useId();
  const errorId = `${id}-error`;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    onSubmit({
      name: name.trim(),
      description: description.trim(),
      permissionNames: chosen,
    });
  };
  const toggle = (permission: string, on: boolean) =>
    setChosen(
      on ? [...chosen, permission].sort() : chosen.filter((p) => p !== permission),
    );

  return (
    <form
      className="admin-form admin-role-form"
      onSubmit={submit}
      aria-label={initial ? `Edit role ${initial.name}` : 'New role'}
      aria-describedby={error ? errorId : undefined}
      aria-busy={pending || undefined}
    >
      <div className="admin-form__row">
        <TextField
          label="Role name"
          name="name"
          required
          autoComplete="off"
          spellCheck={false}
          value={name}
          disabled={nameLocked}
          hint={nameLocked ? 'The admin console depends on this name.' : undefined}
          onChange={(e) => setName(e.target.value)}
        />
        <TextField
          label="Description"
          name="description"
          autoComplete="off"
          value={description}
          onChange={(e) => setDescription(e.target.value)}
        />
      </div>
      <fieldset className="admin-checks">
        <legend className="admin-checks__legend">Permissions</legend>
        {permissions === undefined ? (
          <div aria-busy="true">
            <Skeleton width="medium" />
          </div>
        ) : permissions.length === 0 ? (
          <p className="admin-muted">No permissions yet. Add them under Permissions.</p>
        ) : (
          <ul className="admin-checks__list">
            {permissions.map((p) => (
              <li key={p.name}>
                <input
                  type="checkbox"
                  id={`${id}-${p.name}`}
                  checked={chosen.includes(p.name)}
                  onChange={(e) => toggle(p.name, e.target.checked)}
                />
                <label htmlFor={`${id}-${p.name}`}>{p.name}</label>
                {p.description && (
                  <span className="admin-checks__hint">{p.description}</span>
                )}
              </li>
            ))}
          </ul>
        )}
      </fieldset>
      {error && (
        <Alert tone="error" id={errorId}>
          <p>{error}</p>
        </Alert>
      )}
      <div className="admin-actions">
        <Button type="submit" loading={pending}>
          {initial ? 'Save role' : 'Create role'}
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
