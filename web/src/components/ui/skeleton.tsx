/** A grey placeholder bar the size of the text that will replace it. */
export function Skeleton({ width = '100%' }: { width?: 'short' | 'medium' | '100%' }) {
  const size = width === '100%' ? 'full' : width;
  return <span className={`skeleton skeleton--${size}`} aria-hidden="true" />;
}
