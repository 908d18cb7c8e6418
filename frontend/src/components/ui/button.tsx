import type { ButtonHTMLAttributes } from 'react';

/** A button in one of the app's few looks. */
export function Button(
  props: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: 'primary' | 'ghost' | 'danger' },
) {
  const { variant = 'primary', className, type = 'button', ...rest } = props;
  const classes = ['btn', `btn-${variant}`, className].filter(Boolean).join(' ');
  return <button type={type} className={classes} {...rest} />;
}
