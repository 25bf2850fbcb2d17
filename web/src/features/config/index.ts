export { StartupError } from './components/startup-error';
export { useProjectConfig } from './hooks/use-project-config';
export type { ProjectConfig } from './api/get-project-config';
