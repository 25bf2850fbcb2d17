import { Outlet, ScrollRestoration } from 'react-router-dom';
import { AppShell } from '@/components/layout/app-shell';
import { MainNav } from '@/components/layout/main-nav';
import { AppProvider } from '../provider';

export function RootLayout() {
  return (
    <AppProvider>
      <AppShell nav={<MainNav />}>
        <Outlet />
      </AppShell>
      <ScrollRestoration />
    </AppProvider>
  );
}
