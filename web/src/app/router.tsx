import { createBrowserRouter, Navigate, type RouteObject } from 'react-router-dom';
import { RootLayout } from './routes/root';
import { HomeRoute } from './routes/home';
import { LoginRoute } from './routes/login';
import { VerifyRoute } from './routes/verify';
import { ProfileRoute } from './routes/profile';
import { AccountRoute } from './routes/account';
import { DashboardRoute } from './routes/dashboard';
import { NotFoundRoute } from './routes/not-found';
import {
  AdminActivityRoute,
  AdminMailboxRoute,
  AdminRolesRoute,
  AdminRoute,
  AdminUsersRoute,
} from './routes/admin';

export const routes: RouteObject[] = [
  {
    element: <RootLayout />,
    children: [
      { path: '/', element: <HomeRoute /> },
      { path: '/login', element: <LoginRoute /> },
      { path: '/verify', element: <VerifyRoute /> },
      { path: '/reset-password', element: <VerifyRoute reset /> },
      { path: '/profile', element: <ProfileRoute /> },
      { path: '/account', element: <AccountRoute /> },
      { path: '/dashboard', element: <DashboardRoute /> },
      {
        path: '/admin',
        element: <AdminRoute />,
        children: [
          { index: true, element: <Navigate to="/admin/users" replace /> },
          { path: 'users', element: <AdminUsersRoute /> },
          { path: 'roles', element: <AdminRolesRoute /> },
          { path: 'activity', element: <AdminActivityRoute /> },
          { path: 'mailbox', element: <AdminMailboxRoute /> },
        ],
      },
      { path: '*', element: <NotFoundRoute /> },
    ],
  },
];

export function createAppRouter() {
  return createBrowserRouter(routes);
}
