import { Button, Card } from '@/components/ui';

type NoRoleViewProps = {
  email?: string;
  checking: boolean;
  onCheckAgain: () => void;
};

/** Explains that roles come from an administrator, and how they grant one. */
export function NoRoleView({ email, checking, onCheckAgain }: NoRoleViewProps) {
  const who = email || '<your email>';
  return (
    <Card className="role-view role-view--none" aria-labelledby="no-role-heading">
      <h2 id="no-role-heading">No role yet</h2>
      <p>
        Your account has neither the <strong>teacher</strong> nor the{' '}
        <strong>student</strong> role, so there is nothing to show here yet.
      </p>
      <h3>How roles get assigned</h3>
      <p>
        An administrator of this Gatehouse server grants roles in the admin console, under{' '}
        <strong>Admin → Users</strong>, or with the command-line tool on the server’s data
        directory:
      </p>
      <pre className="role-view__command">
        <code>gatehouse user set-roles --data DIR {who} teacher</code>
      </pre>
      <p className="role-view__muted">
        Use <code>student</code> for the student role, or <code>teacher,student</code> for
        both. The data directory can also come from the <code>GATEHOUSE_DATA</code>{' '}
        environment variable.
      </p>
      <p>Once a role is granted, check again (or reload the page) to pick it up.</p>
      <Button variant="secondary" onClick={onCheckAgain} loading={checking}>
        Check again
      </Button>
    </Card>
  );
}
