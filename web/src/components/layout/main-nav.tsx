import { NavLink, useLocation } from 'react-router-dom';
import { useAuth, useCurrentUser, useIsAdmin } from '@/lib/auth';

const linkClass = ({ isActive }: { isActive: boolean }) =>
  isActive ? 'nav__link nav__link--active' : 'nav__link';

/** Site navigation; what it offers depends on whether someone is signed in. */
export function MainNav() {
  const { isAuthenticated, isLoading } = useAuth();
  const isAdmin = useIsAdmin();
  const { pathname } = useLocation();
  // The login page is the form itself; its own header link would only repeat it.
  const showLogIn = !isLoading && !isAuthenticated && pathname !== '/login';

  return (
    <nav className="nav" aria-label="Main">
      <ul className="nav__links">
        <li>
          <NavLink to="/" end className={linkClass}>
            Home
          </NavLink>
        </li>
        {isAuthenticated && (
          <>
            <li>
              <NavLink to="/profile" className={linkClass}>
                Profile
              </NavLink>
            </li>
            <li>
              <NavLink to="/dashboard" className={linkClass}>
                Dashboard
              </NavLink>
            </li>
            {isAdmin && (
              <li>
                <NavLink to="/admin" className={linkClass}>
                  Admin
                </NavLink>
              </li>
            )}
          </>
        )}
      </ul>
      <div className="nav__account">
        {isAuthenticated && <SignedInAs />}
        {showLogIn && <LogInLink />}
      </div>
    </nav>
  );
}

function SignedInAs() {
  const { user } = useCurrentUser();
  return (
    <span className="nav__user" title={user?.email}>
      {user ? user.name : ''}
    </span>
  );
}

function LogInLink() {
  return (
    <NavLink to="/login" className="nav__cta">
      Log in
    </NavLink>
  );
}
