import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Alert, Button, Card, Skeleton } from '@/components/ui';
import { useCurrentUser } from '@/lib/auth';
import { listRoles, searchUsers, USERS_PAGE_SIZE } from '../api/mgmt';
import { loginIdOf, type ManagedUser } from '../api/types';
import { useMgmtQuery } from '../hooks/use-mgmt';
import { CreateUserForm } from './create-user-form';
import { LoadError } from './load-error';
import { StatusBadge } from './status-badge';
import { UserPanel } from './user-panel';
import { When } from './when';

const SEARCH_DELAY_MS = 300;

/** Users: search by email or name, page through, create, and manage one at a time. */
export function UsersPage() {
  const [params, setParams] = useSearchParams();
  const query = params.get('q') ?? '';
  const page = Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);
  const [text, setText] = useState(query);
  const [selected, setSelected] = useState<ManagedUser | null>(null);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<string | null>(null);
  const { user: me } = useCurrentUser();
  const searchId = useId();

  const users = useMgmtQuery(`${query}\n${page}`, (call, signal) =>
    searchUsers(call, { text: query, page: page - 1 }, signal),
  );
  const roles = useMgmtQuery('roles', listRoles);

  // What this page last put in the URL; anything else (a tab link, Back) resets the box.
  const pushed = useRef(query);
  useEffect(() => {
    if (query !== pushed.current) {
      pushed.current = query;
      setText(query);
    }
  }, [query]);

  const show = (q: string, p = 1) => {
    pushed.current = q;
    const next: Record<string, string> = {};
    if (q) next.q = q;
    if (p > 1) next.page = String(p);
    setParams(next, { replace: true });
  };

  // Search as the admin types, once they pause.
  useEffect(() => {
    const wanted = text.trim();
    if (wanted === query) return;
    const timer = setTimeout(() => show(wanted), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text, query]);

  const onSearch = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    show(text.trim());
  };

  const onUpdated = (user: ManagedUser) => {
    setSelected(user);
    users.setData((data) => ({
      ...data,
      users: data.users.map((u) => (u.userId === user.userId ? user : u)),
    }));
  };

  const total = users.data?.total ?? 0;
  const first = (page - 1) * USERS_PAGE_SIZE + 1;
  const last = Math.min(total, page * USERS_PAGE_SIZE);

  return (
    <div className="admin-users">
      <div className="admin-toolbar">
        <form className="admin-search" role="search" onSubmit={onSearch}>
          <label htmlFor={searchId} className="field__label">
            Search users
          </label>
          <div className="admin-search__row">
            <input
              id={searchId}
              className="field__input"
              type="search"
              name="q"
              placeholder="Email or name"
              autoComplete="off"
              spellCheck={false}
              value={text}
              onChange={(e) => setText(e.target.value)}
            />
            <Button type="submit" variant="secondary">
              Search
            </Button>
          </div>
        </form>
        {!creating && (
          <Button
            onClick={() => {
              setCreating(true);
              setCreated(null);
            }}
          >
            New user
          </Button>
        )}
      </div>

      {creating && (
        <CreateUserForm
          roles={roles.data}
          onCancel={() => setCreating(false)}
          onCreated={(user) => {
            setCreating(false);
            setCreated(`Created ${loginIdOf(user)}.`);
            setSelected(user);
            users.reload();
          }}
        />
      )}
      {created && <Alert tone="success">{created}</Alert>}

      <div
        className={
          selected ? 'admin-users__body admin-users__body--split' : 'admin-users__body'
        }
      >
        <Card className="admin-users__list" aria-label="Users">
          {users.status === 'error' ? (
            <LoadError what="users" error={users.error} onRetry={users.reload} />
          ) : users.status === 'loading' ? (
            <UsersSkeleton />
          ) : users.data && users.data.users.length === 0 ? (
            <div className="admin-state admin-state--empty">
              <p className="admin-state__title">
                {query ? <>No users match “{query}”.</> : 'No users yet.'}
              </p>
              <p className="admin-muted">
                {query
                  ? 'Try part of the email address or name.'
                  : 'Create one with “New user”, or let people sign up.'}
              </p>
            </div>
          ) : (
            <>
              <p className="admin-users__count" aria-live="polite">
                {total > 0 && (
                  <>
                    {first}–{last} of {total} {total === 1 ? 'user' : 'users'}
                    {query && <> matching “{query}”</>}
                  </>
                )}
              </p>
              <table className="admin-table" aria-busy={users.isFetching || undefined}>
                <thead>
                  <tr>
                    <th scope="col">User</th>
                    <th scope="col">Roles</th>
                    <th scope="col">Status</th>
                    <th scope="col">Last sign-in</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {users.data?.users.map((u) => (
                    <UserRow
                      key={u.userId}
                      user={u}
                      selected={selected?.userId === u.userId}
                      onManage={() => setSelected(u)}
                    />
                  ))}
                </tbody>
              </table>
              {total > USERS_PAGE_SIZE && (
                <nav className="admin-pager" aria-label="Pages of users">
                  <Button
                    variant="secondary"
                    disabled={page <= 1}
                    onClick={() => show(query, page - 1)}
                  >
                    Previous
                  </Button>
                  <span className="admin-muted">
                    Page {page} of {Math.ceil(total / USERS_PAGE_SIZE)}
                  </span>
                  <Button
                    variant="secondary"
                    disabled={last >= total}
                    onClick={() => show(query, page + 1)}
                  >
                    Next
                  </Button>
                </nav>
              )}
            </>
          )}
        </Card>

        {selected && (
          <UserPanel
            key={selected.userId}
            user={selected}
            roles={roles.data}
            isSelf={selected.userId === me?.userId}
            onUpdated={onUpdated}
            onClose={() => setSelected(null)}
          />
        )}
      </div>
    </div>
  );
}

function UserRow({
  user,
  selected,
  onManage,
}: {
  user: ManagedUser;
  selected: boolean;
  onManage: () => void;
}) {
  const loginId = loginIdOf(user);
  return (
    <tr className={selected ? 'admin-table__row--selected' : undefined}>
      <td data-label="User">
        <span className="admin-table__name">{user.name || loginId}</span>
        {user.name && <span className="admin-table__sub">{loginId}</span>}
      </td>
      <td data-label="Roles">
        {user.roleNames.length === 0 ? (
          <span className="admin-muted">None</span>
        ) : (
          <ul className="admin-chips" aria-label={`Roles of ${loginId}`}>
            {user.roleNames.map((r) => (
              <li key={r} className="admin-chip">
                {r}
              </li>
            ))}
          </ul>
        )}
      </td>
      <td data-label="Status">
        <StatusBadge status={user.status} />
      </td>
      <td data-label="Last sign-in">
        <When at={user.lastLogin} />
      </td>
      <td className="admin-table__action">
        <Button
          variant="secondary"
          size="sm"
          aria-label={`Manage ${loginId}`}
          onClick={onManage}
        >
          Manage
        </Button>
      </td>
    </tr>
  );
}

function UsersSkeleton() {
  return (
    <div className="admin-skeleton" aria-busy="true" aria-label="Loading users">
      {Array.from({ length: 5 }, (_, i) => (
        <div key={i} className="admin-skeleton__row">
          <Skeleton width="medium" />
          <Skeleton width="short" />
        </div>
      ))}
    </div>
  );
}
