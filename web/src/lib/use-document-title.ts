import { useEffect } from 'react';

/** Sets the tab title to "<page> · Gatehouse" while the page is shown. */
export function useDocumentTitle(page: string) {
  useEffect(() => {
    document.title = page ? `${page} · Gatehouse` : 'Gatehouse';
  }, [page]);
}
