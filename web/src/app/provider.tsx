import type { ReactNode } from 'react';
import { AuthProvider } from '@descope/react-sdk';
import { AppShell } from '@/components/layout/app-shell';
import { PageLoading } from '@/components/ui';
import { StartupError, useProjectConfig } from '@/features/config';
import { ProjectIdProvider } from '@/lib/project';

/**
 * Loads the project id from the server, then provides the Descope SDK pointed
 * at this same origin. Until then a page frame of the same shape is shown.
 */
export function AppProvider({ children }: { children: ReactNode }) {
  const config = useProjectConfig();

  if (config.status === 'loading') {
    return (
      <AppShell nav={null}>
        <PageLoading label="Starting…" />
      </AppShell>
    );
  }
  if (config.status === 'failed') {
    return (
      <AppShell nav={null}>
        <StartupError onRetry={config.retry} />
      </AppShell>
    );
  }
  return (
    <ProjectIdProvider projectId={config.config.projectId}>
      <AuthProvider projectId={config.config.projectId} baseUrl={window.location.origin}>
        {children}
      </AuthProvider>
    </ProjectIdProvider>
  );
}
