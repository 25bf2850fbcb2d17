import { Alert, Button } from '@/components/ui';

/** "Couldn’t load …" with the server's message and a retry button. */
export function LoadError({
  what,
  error,
  onRetry,
}: {
  what: string;
  error: string | null | undefined;
  onRetry: () => void;
}) {
  return (
    <div className="admin-state">
      <Alert tone="error" title={`Couldn’t load ${what}`}>
        <p>{error}</p>
      </Alert>
      <Button variant="secondary" onClick={onRetry}>
        Try again
      </Button>
    </div>
  );
}
