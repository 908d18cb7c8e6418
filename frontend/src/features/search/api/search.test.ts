import { describe, expect, it } from 'vitest';
import { highlightParts, searchPageSchema, searchUrl, type SearchHit } from './search';

const user = { id: 1, username: 'ana', display_name: 'Ana' };
function hit(body: string, highlight: string[]): SearchHit {
  return { id: 7, room_id: 3, seq: 42, user, body, created_at: '2026-01-01T00:00:00Z', deleted: false, highlight };
}

describe('searchUrl', () => {
  it('OK', () => {
    expect(searchUrl('deploy "build failed" from:bo')).toBe(
      '/api/v1/search?q=deploy+%22build+failed%22+from%3Abo&limit=20',
    );
    expect(searchUrl('a&b=c', 99)).toBe('/api/v1/search?q=a%26b%3Dc&limit=20&before_id=99');
  });
});

describe('highlightParts', () => {
  it('OKAlternatesPlainAndMatched', () => {
    const parts = highlightParts(hit('the <b>deploy</b> failed', ['the <b>', 'deploy', '</b> ', 'failed', '']));
    expect(parts).toEqual([
      { text: 'the <b>', match: false },
      { text: 'deploy', match: true },
      { text: '</b> ', match: false },
      { text: 'failed', match: true },
    ]);
    expect(parts.map((p) => p.text).join('')).toBe('the <b>deploy</b> failed');
  });

  it('OKWithoutParts', () => {
    expect(highlightParts(hit('plain', []))).toEqual([{ text: 'plain', match: false }]);
  });
});

describe('searchPageSchema', () => {
  it('OK', () => {
    const page = searchPageSchema.parse({ messages: [hit('x', ['', 'x', ''])], has_more: true });
    expect(page.messages[0]?.highlight).toEqual(['', 'x', '']);
  });

  it('ErrHighlightMissing', () => {
    const bad = { ...hit('x', []), highlight: undefined };
    expect(() => searchPageSchema.parse({ messages: [bad], has_more: false })).toThrow();
  });
});
