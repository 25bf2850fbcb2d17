import { ProfileView } from '@/features/profile';
import { ProtectedRoute } from '@/lib/auth';
import { useDocumentTitle } from '@/lib/use-document-title';

export function ProfileRoute() {
  useDocumentTitle('Profile');
  return (
    <ProtectedRoute>
      <ProfileView />
    </ProtectedRoute>
  );
}
