/** The count of unread messages that mention the user, apart from the unread badge. */
export function MentionBadge(props: { count: number }) {
  const { count } = props;
  if (count <= 0) return null;
  return (
    <span className="badge badge-mention" aria-label={`${count} mention${count === 1 ? '' : 's'}`}>
      @{count > 99 ? '99+' : count}
    </span>
  );
}
