import { Link, useLocation } from 'react-router-dom';
import { Card } from '@/components/ui';
import { useDocumentTitle } from '@/lib/use-document-title';
import './not-found.css';

export function NotFoundRoute() {
  useDocumentTitle('Page not found');
  const { pathname } = useLocation();
  return (
    <Card className="not-found" aria-labelledby="not-found-heading">
      <p className="not-found__code">404</p>
      <h1 id="not-found-heading">Page not found</h1>
      <p>
        There is no page at <code>{pathname}</code>. It may have moved, or the address may
        be mistyped.
      </p>
      <Link to="/">Back to the home page</Link>
    </Card>
  );
}
