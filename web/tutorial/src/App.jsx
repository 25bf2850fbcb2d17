// The tutorial's App.js. Changed only in the AuthProvider props, which point the SDK,
// the flow's static files and the UI library at Gatehouse instead of Descope's cloud
// (docs/flows.md), and in the router's basename (the pages live under /tutorial/).
import { AuthProvider } from '@descope/react-sdk';
import { BrowserRouter as Router, Routes, Route } from 'react-router-dom';
import Dashboard from './Dashboard';
import Login from './Login';
import Profile from './Profile';

const origin = window.location.origin;

function App({ projectId }) {
  return (
    <AuthProvider
      projectId={projectId}
      baseUrl={origin}
      baseStaticUrl={`${origin}/pages`}
      baseCdnUrl={origin}
    >
      <Router basename="/tutorial">
        <Routes>
          <Route path="/" element={<Dashboard />} />
          <Route path="/login" element={<Login />} />
          <Route path="/profile" element={<Profile />} />
        </Routes>
      </Router>
    </AuthProvider>
  );
}

export default App;
