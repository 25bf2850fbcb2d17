import { useCallback, useMemo, useState, type ReactNode } from 'react';
import { Link, NavLink } from 'react-router-dom';
import { Card } from '@/components/ui';
import { useCurrentUser, useIsAdmin } from '@/lib/auth';
import { useDocumentTitle } from '@/lib/use-document-title';
import { AdminAccessContext } from '../hooks/use-mgmt';
import './admin.css';

const SECTIONS = [
  { to: '/admin/users', label: 'Users' },
  { to: '/admin/roles', label: 'Roles' },
  { to: '/admin/activity', label: 'Activity' },
  { to: '/admin/mailbox', label: 'Mailbox' },
];

const tabClass = ({ isActive }: { isActive: boolean }) =>
  isActive ? 'admin__tab admin__tab--active' : 'admin__tab';

/**
 * The console's frame: for a session with the admin role, a heading and the
 * section tabs around `children`; for anyone else, an explanation instead.
 */
export function AdminConsole({ children }: { children: ReactNode }) {
  const isAdmin = useIsAdmin();
  const [forbidden, setForbidden] = useState(false);
  const markForbidden = useCallback(() => setForbidden(true), []);
  const access = useMemo(() => ({ markForbidden }), [markForbidden]);

  if (!isAdmin || forbidden) return <AdminForbidden />;

  return (
    <AdminAccessContext.Provider value={access}>
      <div className="admin">
        <header className="admin__header">
          <div>
            <h1>Admin console</h1>
            <p className="admin__lead">
              Users, roles, sign-in activity and the dev mailbox of this Gatehouse server.
            </p>
          </div>
          <nav aria-label="Admin sections">
            <ul className="admin__tabs">
              {SECTIONS.map((s) => (
                <li key={s.to}>
                  <NavLink to={s.to} className={tabClass}>
                    {s.label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </nav>
        </header>
        {children}
      </div>
    </AdminAccessContext.Provider>
  );
}

/** What a signed-in user without the admin role sees at /admin. */
export function AdminForbidden() {
  useDocumentTitle('Admin role needed');
  const { user } = useCurrentUser();
  return (
    <Card className="admin-forbidden" aria-labelledby="admin-forbidden-heading">
      <p className="admin-forbidden__code">403</p>
      <h1 id="admin-forbidden-heading">You need the admin role</h1>
      <p>
        The admin console is for administrators of this Gatehouse server.
        {user?.email ? (
          <>
            {' '}
            Your account, <strong>{user.email}</strong>, does not have the{' '}
            <strong>admin</strong> role.
          </>
        ) : (
          <>
            {' '}
            Your account does not have the <strong>admin</strong> role.
          </>
        )}
      </p>
      <p className="admin-forbidden__muted">
        An administrator can grant it under Admin → Users. Roles reach your session at its
        next refresh, so reload this page once it is granted.
      </p>
      <Link to="/dashboard">Go to your dashboard</Link>
    </Card>
  );
}
