export { LoginForm } from './components/login-form';
export type { AuthMode } from './api/auth-errors';
export { VerifyLink } from './components/verify-link';
