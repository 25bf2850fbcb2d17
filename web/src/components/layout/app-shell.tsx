import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import './app-shell.css';

type AppShellProps = {
  /** Navigation for the header; null while the app is still starting. */
  nav: ReactNode;
  children: ReactNode;
};

/** Page frame: header with brand and navigation, the page, a footer. */
export function AppShell({ nav, children }: AppShellProps) {
  return (
    <div className="shell">
      <a className="shell__skip" href="#main">
        Skip to content
      </a>
      <header className="shell__header">
        <div className="shell__header-inner">
          <Brand />
          <div className="shell__nav">{nav}</div>
        </div>
      </header>
      <main id="main" className="shell__main" tabIndex={-1}>
        {children}
      </main>
      <footer className="shell__footer">
        <p>Gatehouse · self-hosted sign-in, compatible with Descope SDKs</p>
      </footer>
    </div>
  );
}

function Brand() {
  return (
    <Link to="/" className="brand">
      <span className="brand__mark" aria-hidden="true" />
      <span className="brand__name">Gatehouse</span>
    </Link>
  );
}
