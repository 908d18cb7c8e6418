import type { MouseEvent } from 'react';
import { goBack, Link } from '../../lib/router';

/**
 * The back control of a screen that replaces the room list on narrow
 * screens. A real link (it opens in a new tab like any other), shown only
 * where the list is not beside the screen (styles.css).
 */
export function BackLink(props: { href: string; label: string }) {
  const { href, label } = props;
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    goBack(href);
  };
  return (
    <Link href={href} className="back-link" aria-label={label} title={label} onClick={onClick}>
      <span aria-hidden="true">←</span>
    </Link>
  );
}
