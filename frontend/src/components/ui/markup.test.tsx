import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { parse } from '../../lib/markup';
import shared from '../../../../server/markup/testdata/vectors.json';
import { Markup } from './markup';

interface Vector {
  name: string;
  in: string;
  html: string;
}

// The same file the server's tests read: both renderers must produce it.
const vectors: Vector[] = shared.vectors;

/** The HTML as the browser holds it after parsing. */
function canonical(html: string): string {
  const t = document.createElement('template');
  t.innerHTML = html;
  return t.innerHTML;
}

describe('Markup', () => {
  it('OKHasVectors', () => {
    expect(vectors.length).toBeGreaterThan(100);
  });

  it.each(vectors.map((v) => [v.name, v] as const))('OKVector %s', (_, v) => {
    // The expected HTML parses to exactly itself (up to how quotes are
    // escaped), so comparing DOMs compares the markup the server writes.
    expect(canonical(v.html)).toBe(v.html.replaceAll('&#34;', '"').replaceAll('&#39;', "'"));
    const { container } = render(<Markup source={v.in} />);
    expect(container.innerHTML).toBe(canonical(v.html));
  });

  it('OKScriptStaysText', () => {
    const { container } = render(<Markup source={'<script>alert(1)</script> **<img src=x onerror=alert(2)>**'} />);
    expect(container.querySelector('script, img')).toBeNull();
    expect(container.textContent).toBe('<script>alert(1)</script> <img src=x onerror=alert(2)>');
  });

  it('OKLinks', () => {
    const { container } = render(<Markup source={'see https://example.com/x. and javascript:alert(1)'} />);
    const links = container.querySelectorAll('a');
    expect(links).toHaveLength(1);
    expect(links[0]).toHaveAttribute('href', 'https://example.com/x');
    expect(links[0]).toHaveAttribute('rel', 'noopener noreferrer nofollow');
    expect(links[0]).toHaveAttribute('target', '_blank');
  });

  it('OKParseIsData', () => {
    expect(parse('**a** `b`')).toEqual([
      { kind: 'p', lines: [[{ kind: 'strong', children: ['a'] }, ' ', { kind: 'code', text: 'b' }]] },
    ]);
  });
});
