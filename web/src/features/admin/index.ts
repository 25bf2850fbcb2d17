export { AdminConsole } from './components/admin-console';
export { UsersPage } from './components/users-page';
export { RolesPage } from './components/roles-page';
export { ActivityPage } from './components/activity-page';
export { MailboxPage } from './components/mailbox-page';
