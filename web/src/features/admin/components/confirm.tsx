import { useEffect, useRef } from 'react';
import { Button } from '@/components/ui';

/** An inline "are you sure?" step; focus moves to its confirm button. */
export function Confirm({
  text,
  action,
  onConfirm,
  onCancel,
}: {
  text: string;
  action: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const confirmButton = useRef<HTMLDivElement>(null);
  useEffect(() => {
    confirmButton.current?.querySelector('button')?.focus();
  }, []);
  return (
    <div className="admin-confirm" role="group" aria-label="Confirm">
      <p>{text}</p>
      <div className="admin-actions" ref={confirmButton}>
        <Button danger onClick={onConfirm}>
          {action}
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </div>
  );
}
