export function StatusBadge({ status }: { status: string }) {
  const enabled = status === 'enabled';
  return (
    <span className={`admin-badge admin-badge--${enabled ? 'active' : 'inactive'}`}>
      {enabled ? 'Active' : 'Deactivated'}
    </span>
  );
}
