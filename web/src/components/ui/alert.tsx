import type { ReactNode } from 'react';

type AlertProps = {
  tone: 'error' | 'info' | 'success' | 'warning';
  title?: string;
  children: ReactNode;
  id?: string;
};

/** A message box. Errors are announced to screen readers as they appear. */
export function Alert({ tone, title, children, id }: AlertProps) {
  return (
    <div
      id={id}
      className={`alert alert--${tone}`}
      role={tone === 'error' ? 'alert' : 'status'}
    >
      {title && <p className="alert__title">{title}</p>}
      <div className="alert__body">{children}</div>
    </div>
  );
}
