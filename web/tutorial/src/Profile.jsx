// The tutorial's Profile.js: the user, their roles and the secret message from the Flask
// API's /get_roles (served by Gatehouse), fetched with the session token.
import { useEffect, useState } from 'react';
import { getSessionToken, useDescope, useSession, useUser } from '@descope/react-sdk';
import { useNavigate } from 'react-router-dom';

function Profile() {
  const { isAuthenticated, isSessionLoading } = useSession();
  const { user } = useUser();
  const { logout } = useDescope();
  const navigate = useNavigate();
  const [secret, setSecret] = useState({ secret: '', role: [] });

  useEffect(() => {
    if (!isSessionLoading && !isAuthenticated) navigate('/login');
  }, [isAuthenticated, isSessionLoading, navigate]);

  useEffect(() => {
    if (!isAuthenticated) return;
    const sessionToken = getSessionToken();
    fetch('/get_roles', {
      headers: {
        Accept: 'application/json',
        Authorization: 'Bearer ' + sessionToken,
      },
    })
      .then((res) => res.json())
      .then((data) => setSecret({ secret: data.secretMessage, role: data.roles }));
  }, [isAuthenticated]);

  const onLogout = async () => {
    await logout();
    navigate('/login');
  };

  if (!isAuthenticated || !user) return <p>Loading…</p>;
  return (
    <div className="profile">
      <h1>Hello {user.name}</h1>
      <p>Your role(s): {(secret.role || []).join(', ')}</p>
      <p>Secret message: {secret.secret}</p>
      <button type="button" onClick={onLogout}>
        Logout
      </button>
    </div>
  );
}

export default Profile;
