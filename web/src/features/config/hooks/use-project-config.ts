import { useCallback, useEffect, useState } from 'react';
import { getProjectConfig, type ProjectConfig } from '../api/get-project-config';

export type ProjectConfigState =
  | { status: 'loading' }
  | { status: 'ready'; config: ProjectConfig }
  | { status: 'failed'; error: Error };

export function useProjectConfig() {
  const [state, setState] = useState<ProjectConfigState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setState({ status: 'loading' });
    getProjectConfig(controller.signal).then(
      (config) => setState({ status: 'ready', config }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setState({
          status: 'failed',
          error: error instanceof Error ? error : new Error(String(error)),
        });
      },
    );
    return () => controller.abort();
  }, [attempt]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { ...state, retry };
}
