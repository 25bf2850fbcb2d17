import { DashboardView } from '@/features/dashboard';
import { ProtectedRoute } from '@/lib/auth';
import { useDocumentTitle } from '@/lib/use-document-title';

export function DashboardRoute() {
  useDocumentTitle('Dashboard');
  return (
    <ProtectedRoute>
      <DashboardView />
    </ProtectedRoute>
  );
}
