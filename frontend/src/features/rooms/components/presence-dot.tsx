/** A dot that says whether someone is online. */
export function PresenceDot(props: { online: boolean | undefined }) {
  const online = props.online === true;
  return (
    <span
      className={online ? 'dot dot-online' : 'dot'}
      role="img"
      aria-label={online ? 'online' : 'offline'}
    />
  );
}
