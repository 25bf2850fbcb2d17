import { useState } from 'react';
import { Alert, Button, Card, PageLoading } from '@/components/ui';
import { useCurrentUser, useSessionControl, useSessionRoles } from '@/lib/auth';
import { useAuthorizedQuery } from '@/lib/use-authorized-query';
import { GET_ROLE_DATA_PATH, type RoleDataResponse } from '../api/get-role-data';
import { NoRoleView } from './no-role-view';
import { StudentView } from './student-view';
import { TeacherView } from './teacher-view';
import './dashboard.css';

/** Shows what the signed-in user may see according to the roles in their session. */
export function DashboardView() {
  // Roles live in the session token: when a refresh brings new ones, ask again.
  const sessionRoles = useSessionRoles().join(',');
  const roleData = useAuthorizedQuery<RoleDataResponse>(GET_ROLE_DATA_PATH, sessionRoles);
  const { user } = useCurrentUser();
  const { refresh } = useSessionControl();
  const [checking, setChecking] = useState(false);

  // Roles live in the session token, so a new token is needed to see a new role.
  const checkAgain = async () => {
    setChecking(true);
    await refresh();
    setChecking(false);
    roleData.reload();
  };

  return (
    <div className="dashboard">
      <header className="dashboard__header">
        <h1>Dashboard</h1>
        <p className="dashboard__lead">
          What you see here depends on the roles in your session.
        </p>
      </header>

      {roleData.status === 'loading' && <PageLoading label="Loading your dashboard…" />}

      {roleData.status === 'error' && (
        <Card>
          <Alert tone="error" title="Couldn’t load your dashboard">
            <p>
              {roleData.error.isUnavailable
                ? 'The server did not answer. Check that Gatehouse is running, then try again.'
                : roleData.error.message}
            </p>
          </Alert>
          <Button
            variant="secondary"
            onClick={roleData.reload}
            className="dashboard__retry"
          >
            Try again
          </Button>
        </Card>
      )}

      {roleData.status === 'success' && (
        <RoleViews
          data={roleData.data}
          email={user?.email}
          checking={checking}
          onCheckAgain={checkAgain}
        />
      )}
    </div>
  );
}

function RoleViews({
  data,
  email,
  checking,
  onCheckAgain,
}: {
  data: RoleDataResponse;
  email?: string;
  checking: boolean;
  onCheckAgain: () => void;
}) {
  if (!data.valid_teacher && !data.valid_student) {
    return <NoRoleView email={email} checking={checking} onCheckAgain={onCheckAgain} />;
  }
  return (
    <div className="dashboard__views">
      {data.valid_teacher && <TeacherView />}
      {data.valid_student && <StudentView />}
    </div>
  );
}
