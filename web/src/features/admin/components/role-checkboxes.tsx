import { useId } from 'react';
import { Skeleton } from '@/components/ui';
import type { Role } from '../api/types';

type RoleCheckboxesProps = {
  legend: string;
  /** Undefined while the roles load. */
  roles: Role[] | undefined;
  value: string[];
  onChange: (next: string[]) => void;
  disabled?: boolean;
};

/** One checkbox per role, with its description. */
export function RoleCheckboxes({
  legend,
  roles,
  value,
  onChange,
  disabled,
}: RoleCheckboxesProps) {
  const id = useId();
  const toggle = (name: string, on: boolean) =>
    onChange(on ? [...value, name].sort() : value.filter((r) => r !== name));

  return (
    <fieldset className="admin-checks" disabled={disabled}>
      <legend className="admin-checks__legend">{legend}</legend>
      {roles === undefined ? (
        <div aria-busy="true">
          <Skeleton width="medium" />
        </div>
      ) : roles.length === 0 ? (
        <p className="admin-muted">No roles exist yet. Create them under Roles.</p>
      ) : (
        <ul className="admin-checks__list">
          {roles.map((role) => (
            <li key={role.name}>
              <input
                type="checkbox"
                id={`${id}-${role.name}`}
                checked={value.includes(role.name)}
                onChange={(e) => toggle(role.name, e.target.checked)}
                aria-describedby={role.description ? `${id}-${role.name}-d` : undefined}
              />
              <label htmlFor={`${id}-${role.name}`}>{role.name}</label>
              {role.description && (
                <span className="admin-checks__hint" id={`${id}-${role.name}-d`}>
                  {role.description}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}
