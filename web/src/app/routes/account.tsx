import { useSearchParams } from 'react-router-dom';
import { AccountView } from '@/features/profile';
import { ProtectedRoute } from '@/lib/auth';
import { useDocumentTitle } from '@/lib/use-document-title';

/** /account (`?reset=1` after a password-reset link). */
export function AccountRoute() {
  useDocumentTitle('Account');
  const [params] = useSearchParams();
  return (
    <ProtectedRoute>
      <AccountView
        resetNotice={
          params.get('reset')
            ? 'You signed in with a reset link: choose a new password.'
            : undefined
        }
      />
    </ProtectedRoute>
  );
}
