import type { ButtonHTMLAttributes } from 'react';
import { Spinner } from './spinner';

type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & {
  variant?: 'primary' | 'secondary' | 'link';
  /** Shows a spinner, marks the button busy and ignores clicks; the width stays the same. */
  loading?: boolean;
  block?: boolean;
  /** Destructive: a red primary button, or red text on a secondary one. */
  danger?: boolean;
  size?: 'md' | 'sm';
};

export function Button({
  variant = 'primary',
  loading = false,
  block = false,
  danger = false,
  size = 'md',
  className,
  disabled,
  children,
  type = 'button',
  ...rest
}: ButtonProps) {
  const classes = [
    'btn',
    `btn--${variant}`,
    block && 'btn--block',
    danger && 'btn--danger',
    size === 'sm' && 'btn--sm',
    className,
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <button
      {...rest}
      type={type}
      className={classes}
      disabled={disabled || loading}
      aria-busy={loading || undefined}
    >
      {loading && <Spinner size="sm" />}
      <span>{children}</span>
    </button>
  );
}
