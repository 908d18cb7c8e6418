import { highlightParts, type SearchHit } from '../api/search';

/** A matched message's body with its matching words marked. */
export function HighlightedBody(props: { hit: SearchHit }) {
  return (
    <p className="body search-snippet">
      {highlightParts(props.hit).map((part, i) =>
        part.match ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>,
      )}
    </p>
  );
}
