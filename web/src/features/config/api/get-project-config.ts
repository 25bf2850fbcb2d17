export type ProjectConfig = {
  projectId: string;
};

/**
 * The server publishes its project id at a fixed same-origin path, so one
 * build of the app works against any Gatehouse install.
 */
export async function getProjectConfig(signal?: AbortSignal): Promise<ProjectConfig> {
  const response = await fetch('/gatehouse/config.json', {
    headers: { Accept: 'application/json' },
    signal,
  });
  if (!response.ok) throw new Error(`config.json answered ${response.status}`);
  const body: unknown = await response.json();
  const projectId = (body as { projectId?: unknown } | null)?.projectId;
  if (typeof projectId !== 'string' || projectId === '') {
    throw new Error('config.json has no projectId');
  }
  return { projectId };
}
