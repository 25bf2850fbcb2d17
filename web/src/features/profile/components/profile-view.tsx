import { Link } from 'react-router-dom';
import { Alert, Button, Card, Skeleton } from '@/components/ui';
import { useCurrentUser, useLogout, useSessionRoles } from '@/lib/auth';
import { useAuthorizedQuery } from '@/lib/use-authorized-query';
import { GET_ROLES_PATH, type RolesResponse } from '../api/get-roles';
import { AuthenticatorPanel } from './authenticator-panel';
import './profile.css';

/** The signed-in user's page: who they are, the API's secret message, their roles. */
export function ProfileView() {
  const { user } = useCurrentUser();
  const logout = useLogout();
  // Roles live in the session token: when a refresh brings new ones, ask again.
  const sessionRoles = useSessionRoles().join(',');
  const roles = useAuthorizedQuery<RolesResponse>(GET_ROLES_PATH, sessionRoles);

  return (
    <div className="profile">
      <Card className="profile__identity" aria-label="Your account">
        <span className="profile__avatar" aria-hidden="true">
          {user ? initials(user.name) : ''}
        </span>
        <div className="profile__who">
          <h1 className="profile__name">
            {user ? user.name : <Skeleton width="medium" />}
          </h1>
          <p className="profile__email">
            {user ? user.email : <Skeleton width="short" />}
          </p>
        </div>
        <div className="profile__actions">
          <Link to="/account" className="btn btn--secondary">
            <span>Account settings</span>
          </Link>
          <Button
            variant="secondary"
            onClick={logout.logout}
            loading={logout.isLoggingOut}
          >
            Log out
          </Button>
        </div>
        {logout.error && (
          <div className="profile__logout-error">
            <Alert tone="error">{logout.error}</Alert>
          </div>
        )}
      </Card>

      {roles.status === 'error' ? (
        <Card className="profile__panel profile__panel--wide">
          <Alert tone="error" title="Couldn’t load your details">
            <p>
              {roles.error.isUnavailable
                ? 'The server did not answer. Check that Gatehouse is running, then try again.'
                : roles.error.message}
            </p>
          </Alert>
          <Button variant="secondary" onClick={roles.reload} className="profile__retry">
            Try again
          </Button>
        </Card>
      ) : (
        <>
          <Card className="profile__panel" aria-labelledby="secret-heading">
            <h2 id="secret-heading">Secret message</h2>
            <p className="profile__secret" aria-busy={roles.status === 'loading'}>
              {roles.status === 'success' ? roles.data.secretMessage : <Skeleton />}
            </p>
            <p className="profile__note">
              Only a valid session token gets this message from the API.
            </p>
          </Card>

          <Card className="profile__panel" aria-labelledby="roles-heading">
            <h2 id="roles-heading">Roles</h2>
            {roles.status === 'success' ? (
              <RoleList roles={roles.data.roles} />
            ) : (
              <div aria-busy="true">
                <Skeleton width="short" />
              </div>
            )}
          </Card>
        </>
      )}

      <AuthenticatorPanel />
    </div>
  );
}

function RoleList({ roles }: { roles: string[] }) {
  if (roles.length === 0) {
    return (
      <>
        <p className="profile__no-roles">No role yet.</p>
        <p className="profile__note">
          An administrator assigns roles. <Link to="/dashboard">See how</Link>.
        </p>
      </>
    );
  }
  return (
    <ul className="profile__roles" aria-label="Your roles">
      {roles.map((role) => (
        <li key={role} className="role-chip">
          {role}
        </li>
      ))}
    </ul>
  );
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0], parts[parts.length - 1]] : parts;
  return letters.map((part) => part[0]!.toUpperCase()).join('') || '?';
}
