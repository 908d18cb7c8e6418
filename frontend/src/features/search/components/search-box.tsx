import { useEffect, useState, type FormEvent } from 'react';
import { navigate, useQueryParam, useRoute } from '../../../lib/router';
import { searchMaxLength } from '../api/search';
import './search.css';

/**
 * The search box of the app's top bar: submitting it opens the results
 * page, whose URL (/search?q=…) holds the search, so that back and reload
 * keep it.
 */
export function SearchBox() {
  const route = useRoute();
  const current = useQueryParam('q');
  const shown = route.name === 'search' ? (current ?? '') : '';
  const [q, setQ] = useState(shown);
  // The box follows the page's search (back, forward, a link).
  useEffect(() => setQ(shown), [shown]);
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const text = q.trim();
    if (text === '') return;
    navigate(`/search?${new URLSearchParams({ q: text })}`);
  };
  return (
    <form className="search-box" role="search" onSubmit={onSubmit}>
      <input
        type="search"
        name="q"
        aria-label="Search messages"
        placeholder={'Search messages: words, "a phrase", from:name, in:#room'}
        maxLength={searchMaxLength}
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
      <button type="submit" className="btn btn-ghost">
        Search
      </button>
    </form>
  );
}
