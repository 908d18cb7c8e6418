import { Fragment, memo, type ReactElement } from 'react';
import { parse, type Block, type Inline } from '../../lib/markup';

/** The rel of every link: the target gets neither the page nor the referrer, search engines no vote. */
export const linkRel = 'noopener noreferrer nofollow';

/**
 * A message body shown with its formatting. Every piece of the body is
 * React text or one of a few elements; no HTML string is built, so markup
 * typed in a message stays text.
 */
export const Markup = memo(function Markup(props: { source: string }) {
  return <>{markupNodes(props.source)}</>;
});

/** The elements of a body; what Markup renders. */
export function markupNodes(source: string): ReactElement[] {
  return blocks(parse(source));
}

function blocks(list: Block[]): ReactElement[] {
  return list.map((b, i) => {
    switch (b.kind) {
      case 'p':
        return (
          <p key={i}>
            {b.lines.map((line, k) => (
              <Fragment key={k}>
                {k > 0 ? <br /> : null}
                {inlines(line)}
              </Fragment>
            ))}
          </p>
        );
      case 'pre':
        return (
          <pre key={i}>
            <code>{b.text}</code>
          </pre>
        );
      case 'quote':
        return <blockquote key={i}>{blocks(b.children)}</blockquote>;
      case 'ul':
        return <ul key={i}>{items(b.items)}</ul>;
      case 'ol':
        return (
          <ol key={i} start={b.start === 1 ? undefined : b.start}>
            {items(b.items)}
          </ol>
        );
    }
  });
}

function items(list: Inline[][]): ReactElement[] {
  return list.map((it, k) => <li key={k}>{inlines(it)}</li>);
}

function inlines(list: Inline[]): (string | ReactElement)[] {
  return list.map((n, i) => {
    if (typeof n === 'string') return n;
    switch (n.kind) {
      case 'strong':
        return <strong key={i}>{inlines(n.children)}</strong>;
      case 'em':
        return <em key={i}>{inlines(n.children)}</em>;
      case 'del':
        return <del key={i}>{inlines(n.children)}</del>;
      case 'code':
        return <code key={i}>{n.text}</code>;
      case 'link':
        return (
          <a key={i} href={n.href} rel={linkRel} target="_blank">
            {n.text}
          </a>
        );
      case 'mention':
        return (
          <span key={i} className="mention">
            {'@' + n.name}
          </span>
        );
    }
  });
}
