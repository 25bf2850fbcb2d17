import { render } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';
import { routes } from '@/app/router';

/** Renders the whole app (layout, nav, config loading) at `path`. */
export function renderApp(path = '/', state?: unknown) {
  const router = createMemoryRouter(routes, {
    initialEntries: [state === undefined ? path : { pathname: path, state }],
  });
  const view = render(<RouterProvider router={router} />);
  return { ...view, router };
}
