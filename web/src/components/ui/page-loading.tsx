import { Spinner } from './spinner';

/** Fills the page body while data loads, so content swaps in without a jump. */
export function PageLoading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="page-loading" role="status" aria-live="polite">
      <Spinner />
      <span>{label}</span>
    </div>
  );
}
