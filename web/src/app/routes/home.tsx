import { Link } from 'react-router-dom';
import { useAuth } from '@/lib/auth';
import { useDocumentTitle } from '@/lib/use-document-title';
import './home.css';

const POINTS = [
  {
    title: 'Your server, your users',
    text: 'Accounts, passwords and sessions stay on this machine. Nothing calls out to a cloud service.',
  },
  {
    title: 'Works with Descope SDKs',
    text: 'This page uses the official @descope/react-sdk, pointed at Gatehouse instead of the cloud.',
  },
  {
    title: 'Roles in the token',
    text: 'Sign up, get a role from an administrator, and the dashboard follows the roles in your session.',
  },
];

export function HomeRoute() {
  useDocumentTitle('');
  const { isAuthenticated, isLoading } = useAuth();

  return (
    <div className="home">
      <section className="home__hero">
        <p className="home__eyebrow">React + Flask tutorial, self-hosted</p>
        <h1>Sign-in that lives on your own server</h1>
        <p className="home__lead">
          Gatehouse is a self-hosted identity server that speaks Descope’s API. This app
          is Descope’s React tutorial running against it: create an account, see your
          profile and a secret message from the API, and a dashboard that depends on your
          role.
        </p>
        <div className="home__actions">
          {isLoading ? (
            <span className="home__cta-placeholder" aria-hidden="true" />
          ) : isAuthenticated ? (
            <>
              <Link className="home__cta" to="/profile">
                Go to your profile
              </Link>
              <Link className="home__secondary" to="/dashboard">
                Open the dashboard
              </Link>
            </>
          ) : (
            <>
              <Link className="home__cta" to="/login">
                Log in
              </Link>
              <Link className="home__secondary" to="/login?mode=signup">
                Create an account
              </Link>
            </>
          )}
        </div>
      </section>

      <ul className="home__points">
        {POINTS.map((point) => (
          <li key={point.title} className="home__point">
            <h2>{point.title}</h2>
            <p>{point.text}</p>
          </li>
        ))}
      </ul>
    </div>
  );
}
