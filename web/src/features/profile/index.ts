export { ProfileView } from './components/profile-view';
export { AccountView } from './components/account-view';
