// The tutorial's index.js. Its App renders the AuthProvider; the project id comes from
// Gatehouse (/gatehouse/config.json) instead of a value pasted from Descope's console.
import React from 'react';
import ReactDOM from 'react-dom/client';
import App from './App';

const root = ReactDOM.createRoot(document.getElementById('root'));
fetch('/gatehouse/config.json')
  .then((res) => res.json())
  .then(({ projectId }) => {
    root.render(
      <React.StrictMode>
        <App projectId={projectId} />
      </React.StrictMode>,
    );
  });
