// The tutorial's Dashboard.js: signed-in users go to their profile, others to the login.
import { useSession } from '@descope/react-sdk';
import { Navigate } from 'react-router-dom';

function Dashboard() {
  const { isAuthenticated, isSessionLoading } = useSession();
  if (isSessionLoading) return <p>Loading…</p>;
  return <Navigate to={isAuthenticated ? '/profile' : '/login'} replace />;
}

export default Dashboard;
