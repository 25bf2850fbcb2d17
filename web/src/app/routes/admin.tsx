import { Outlet } from 'react-router-dom';
import {
  ActivityPage,
  AdminConsole,
  MailboxPage,
  RolesPage,
  UsersPage,
} from '@/features/admin';
import { ProtectedRoute } from '@/lib/auth';
import { useDocumentTitle } from '@/lib/use-document-title';

/** /admin/*: signed-in users only; the console itself checks for the admin role. */
export function AdminRoute() {
  return (
    <ProtectedRoute>
      <AdminConsole>
        <Outlet />
      </AdminConsole>
    </ProtectedRoute>
  );
}

export function AdminUsersRoute() {
  useDocumentTitle('Users · Admin');
  return <UsersPage />;
}

export function AdminRolesRoute() {
  useDocumentTitle('Roles · Admin');
  return <RolesPage />;
}

export function AdminActivityRoute() {
  useDocumentTitle('Activity · Admin');
  return <ActivityPage />;
}

export function AdminMailboxRoute() {
  useDocumentTitle('Mailbox · Admin');
  return <MailboxPage />;
}
