// The tutorial's Login.js: Descope's flow component, as written.
import { Descope } from '@descope/react-sdk';
import { useNavigate } from 'react-router-dom';

function Login() {
  const navigate = useNavigate();

  return (
    <div className="login">
      <h1>Login</h1>
      <Descope
        flowId="sign-up-or-in"
        onSuccess={(e) => {
          console.log(e.detail.user);
          navigate('/profile');
        }}
        onError={() => console.log('Could not log in!')}
      />
    </div>
  );
}

export default Login;
