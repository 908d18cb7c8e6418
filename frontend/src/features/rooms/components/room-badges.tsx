/** Caps a count so a badge stays narrow. */
function short(n: number): string {
  return n > 99 ? '99+' : String(n);
}

/**
 * A room's badges in the list: mentions of the reader (when the server
 * counts them) and unread messages. Either is left out at zero or when
 * the answer does not carry it.
 */
export function RoomBadges(props: { unread?: number | undefined; mentions?: number | undefined }) {
  const unread = props.unread ?? 0;
  const mentions = props.mentions ?? 0;
  return (
    <>
      {mentions > 0 ? (
        <span className="badge badge-mention" aria-label={`${mentions} mention${mentions === 1 ? '' : 's'}`}>
          @{short(mentions)}
        </span>
      ) : null}
      {unread > 0 ? (
        <span className="badge badge-unread" aria-label={`${unread} unread`}>
          {short(unread)}
        </span>
      ) : null}
    </>
  );
}
