import { Button } from '../../../components/ui/button';
import { Spinner } from '../../../components/ui/spinner';
import { errorText } from '../../../lib/error-text';
import { Link } from '../../../lib/router';
import { useSearch, type SearchHit } from '../api/search';
import { HighlightedBody } from './highlighted-body';

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * The results of a search, newest first, each opening its room at the
 * message. roomName names a room of the caller's (the app knows them).
 */
export default function SearchPage(props: { q: string; roomName: (roomId: number) => string }) {
  const { q, roomName } = props;
  const search = useSearch(q);
  const hits = search.data?.pages.flatMap((p) => p.messages) ?? [];
  return (
    <main className="main search-page" aria-label="Search results">
      <header className="room-head">
        <h1>Search</h1>
        {q ? <p className="muted">Messages matching “{q}”</p> : null}
      </header>
      <div className="search-body">
        {q === '' ? <p className="muted">Type words to search for in the box above.</p> : null}
        {search.isPending && q !== '' ? <Spinner label="Searching…" /> : null}
        {search.isError ? <p className="form-error">{errorText(search.error)}</p> : null}
        {search.isSuccess && hits.length === 0 ? <p className="muted">No messages match.</p> : null}
        <ol className="search-results">
          {hits.map((hit) => (
            <li key={hit.id}>
              <SearchResult hit={hit} room={roomName(hit.room_id)} />
            </li>
          ))}
        </ol>
        {search.hasNextPage ? (
          <Button variant="ghost" disabled={search.isFetchingNextPage} onClick={() => void search.fetchNextPage()}>
            {search.isFetchingNextPage ? 'Loading…' : 'Older matches'}
          </Button>
        ) : null}
      </div>
    </main>
  );
}

function SearchResult(props: { hit: SearchHit; room: string }) {
  const { hit, room } = props;
  const author = hit.user.display_name || hit.user.username;
  return (
    <Link className="search-result" href={`/rooms/${hit.room_id}?at=${hit.seq}`} data-seq={hit.seq}>
      <span className="search-meta">
        <strong className="search-room">{room}</strong>
        <span className="author">{author}</span>
        <time dateTime={hit.created_at}>{when.format(new Date(hit.created_at))}</time>
      </span>
      <HighlightedBody hit={hit} />
    </Link>
  );
}
