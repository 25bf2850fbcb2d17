import './startup-error.css';
import { Alert, Button } from '@/components/ui';

/** Shown when the app cannot learn its project id from the server. */
export function StartupError({ onRetry }: { onRetry: () => void }) {
  return (
    <div className="startup-error">
      <Alert tone="error" title="Gatehouse is not reachable">
        <p>
          The app could not load its configuration from the server. Check that the
          Gatehouse server is running, then try again.
        </p>
      </Alert>
      <Button variant="secondary" onClick={onRetry}>
        Try again
      </Button>
    </div>
  );
}
