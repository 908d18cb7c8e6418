import type { User } from '../../../lib/schemas';
import { useMembers } from '../api/members';
import { PresenceDot } from './presence-dot';

/** The presence of the other person in a direct-message room. */
export function DirectPresence(props: { roomId: number; me: User }) {
  const members = useMembers(props.roomId);
  const other = members.data?.find((m) => m.id !== props.me.id);
  return <PresenceDot online={other?.online} />;
}
