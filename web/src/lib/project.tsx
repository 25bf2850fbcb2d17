import { createContext, useContext, type ReactNode } from 'react';

const ProjectIdContext = createContext<string | null>(null);

/** Makes the project id (from /gatehouse/config.json) available below it. */
export function ProjectIdProvider({
  projectId,
  children,
}: {
  projectId: string;
  children: ReactNode;
}) {
  return (
    <ProjectIdContext.Provider value={projectId}>{children}</ProjectIdContext.Provider>
  );
}

/** The project id, as the management API expects it in `Bearer <projectId>:<jwt>`. */
export function useProjectId(): string {
  const projectId = useContext(ProjectIdContext);
  if (projectId === null) throw new Error('useProjectId needs a <ProjectIdProvider>');
  return projectId;
}
